-- Failed credential checks, counted where every node sees them: per
-- account, per source address, and per account from one address
-- (core::throttle decides the delays). A success deletes the account's
-- rows; an address's row is forgotten an hour after its last failure.
CREATE TABLE auth_failure (
    scope TEXT NOT NULL,             -- ACCOUNT | ADDRESS | ACCOUNT_ADDRESS
    subject TEXT NOT NULL,           -- e.g. staff:admin, 203.0.113.7, staff:admin@203.0.113.7
    failures BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    CONSTRAINT auth_failure_key PRIMARY KEY (scope, subject)
);

-- Every privileged action, one row each, written in the action's own
-- transaction: who (actor_kind + actor), for which customer (what a
-- seller may read), from where, in which request, what (action, target,
-- detail: a JSON summary of before and after). Rows are never changed or
-- removed.
CREATE TABLE audit_log (
    audit_log_id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    customer_id BIGINT REFERENCES customer (customer_id),
    address TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_customer_idx ON audit_log (customer_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE TRIGGER audit_log_actor_kind_check_insert BEFORE INSERT ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
CREATE TRIGGER audit_log_actor_kind_check_update BEFORE UPDATE OF actor_kind ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
CREATE TRIGGER audit_log_outcome_check_insert BEFORE INSERT ON audit_log
    WHEN NEW.outcome IS NOT NULL AND NEW.outcome NOT IN ('SUCCESS', 'FAILURE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_outcome_check'); END;
CREATE TRIGGER audit_log_outcome_check_update BEFORE UPDATE OF outcome ON audit_log
    WHEN NEW.outcome IS NOT NULL AND NEW.outcome NOT IN ('SUCCESS', 'FAILURE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_outcome_check'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
