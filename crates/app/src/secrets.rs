//! Secrets at rest: app secrets sealed under a server key (AES-256-GCM).
//!
//! Vendors whose APIs haicang serves (JF, Qianyi, Winit) sign requests
//! with the raw app secret, so an argon2 hash alone cannot verify them.
//! The secret is therefore also kept *sealed*: encrypted and authenticated
//! under a 256-bit server key that never enters the database. Reading the
//! database (a dump, a backup, a replica) yields neither the secrets nor
//! the key; whoever holds both the database and the key (the running
//! server) can open them. docs/ARCHITECTURE.md has the threat model.
//!
//! Sealed form: `v1:` + base64(12-byte random nonce ‖ ciphertext ‖ tag).
//! The key comes from `HAICANG_SECRET_KEY` (64 hex digits) or from a key
//! file created with mode 0600 on first start (`SecretKey::load_or_create`).

use std::path::Path;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use thiserror::Error;

/// The environment variable a server key may come from.
pub const KEY_ENV: &str = "HAICANG_SECRET_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "secret.key";
const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("a server key is 64 hex digits")]
    KeyFormat,
    #[error("the key file {0}: {1}")]
    KeyFile(String, String),
    #[error("the sealed value is malformed")]
    Malformed,
    /// Wrong key, or the value was changed: AES-GCM's tag does not match.
    #[error("the sealed value does not open with this key")]
    WrongKey,
}

/// A 256-bit server key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> SecretKey {
        let key = Aes256Gcm::generate_key(OsRng);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&key);
        SecretKey(bytes)
    }

    /// 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<SecretKey, SecretError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SecretError::KeyFormat)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretError::KeyFormat)?;
        Ok(SecretKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key in `path`, or a new one written there readable by the owner
    /// only (mode 0600, created exclusively: two servers starting at once
    /// do not write two keys).
    pub fn load_or_create(path: &Path) -> Result<SecretKey, SecretError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => SecretKey::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                match write_new(path, &key) {
                    Ok(()) => Ok(key),
                    // Another process created it meanwhile: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text =
                            std::fs::read_to_string(path).map_err(|e| SecretError::KeyFile(shown, e.to_string()))?;
                        SecretKey::from_hex(&text)
                    }
                    Err(e) => Err(SecretError::KeyFile(shown, e.to_string())),
                }
            }
            Err(e) => Err(SecretError::KeyFile(shown, e.to_string())),
        }
    }

    /// Replaces the key file with `self` (written beside it with mode 0600,
    /// then renamed over it, so a crash leaves the old key or the new one).
    pub fn replace_file(&self, path: &Path) -> Result<(), SecretError> {
        let shown = path.display().to_string();
        let temp = path.with_extension("key.new");
        let _ = std::fs::remove_file(&temp);
        write_new(&temp, self).map_err(|e| SecretError::KeyFile(shown.clone(), e.to_string()))?;
        std::fs::rename(&temp, path).map_err(|e| SecretError::KeyFile(shown, e.to_string()))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.0))
    }

    /// Encrypts and authenticates `plain` under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // AES-GCM encryption of an in-memory message cannot fail (its only
        // error is a message beyond 64 GiB).
        let sealed = self.cipher().encrypt(&nonce, plain.as_bytes()).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// The plain text of a sealed value, if this key sealed it unchanged.
    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(SecretError::Malformed)?;
        let bytes = STANDARD.decode(body).map_err(|_| SecretError::Malformed)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(SecretError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self.cipher().decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretError::Malformed)
    }
}

fn write_new(path: &Path, key: &SecretKey) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(key.to_hex().as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only_and_not_when_changed() {
        let key = SecretKey::generate();
        let sealed = key.seal("4a506ccaf37e400bac4a42d2dc5f600a");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("4a506ccaf37e400bac4a42d2dc5f600a"));
        assert_eq!(key.open(&sealed).as_deref(), Ok("4a506ccaf37e400bac4a42d2dc5f600a"));
        // A fresh nonce each time: the same secret never seals the same.
        assert_ne!(key.seal("same"), key.seal("same"));
        assert_eq!(SecretKey::generate().open(&sealed), Err(SecretError::WrongKey));
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(bytes));
        assert_eq!(key.open(&tampered), Err(SecretError::WrongKey));
        assert_eq!(key.open("plain text"), Err(SecretError::Malformed));
        assert_eq!(key.open("v1:AAAA"), Err(SecretError::Malformed));
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_printed() {
        let key = SecretKey::generate();
        assert_eq!(SecretKey::from_hex(&format!(" {}\n", key.to_hex())).unwrap().to_hex(), key.to_hex());
        assert_eq!(SecretKey::from_hex("abcd").unwrap_err(), SecretError::KeyFormat);
        assert_eq!(SecretKey::from_hex(&"zz".repeat(32)).unwrap_err(), SecretError::KeyFormat);
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }

    #[test]
    fn the_key_file_is_created_once_owner_only_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let first = SecretKey::load_or_create(&path).unwrap();
        let again = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(first.to_hex(), again.to_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let next = SecretKey::generate();
        next.replace_file(&path).unwrap();
        assert_eq!(SecretKey::load_or_create(&path).unwrap().to_hex(), next.to_hex());
        std::fs::write(&path, "not a key").unwrap();
        assert_eq!(SecretKey::load_or_create(&path).unwrap_err(), SecretError::KeyFormat);
    }
}
