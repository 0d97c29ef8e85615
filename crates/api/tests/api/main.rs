//! Integration tests of the native API: each test starts the real server on
//! an ephemeral port with a fresh database (SQLite, or PostgreSQL when
//! `HAICANG_TEST_POSTGRES_URL` is set) seeded with the demo data, and drives
//! it over HTTP.

mod harness;

mod alerts;
mod auth;
mod auth_hardening;
mod bad_input;
mod billing;
mod cartons;
mod cluster;
mod counts;
mod dialects;
mod error_codes;
mod extreme_numbers;
mod floor;
mod inbound;
mod inbound_states;
mod inventory;
mod isolation;
mod isolation_sweep;
mod limits;
mod openapi;
mod outbound;
mod outbound_states;
mod product_errors;
mod products;
mod returns;
mod roles;
mod signing;
mod transfers;
mod warehouses;
mod webhook_network;
mod webhooks;
mod work_orders;
