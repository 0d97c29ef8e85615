//! A form's fields, whatever the body's encoding: multipart form-data
//! (Qianyi's curl `--form`, the portal's file uploads), urlencoded, or
//! JSON — for the dialects and the web pages alike.
//!
//! Multipart is read here rather than through a crate: the fields are
//! texts (a CSV file is one), and the parser below (boundary, part
//! headers, `name="…"`) is all of it that such a form needs. A part that
//! is not UTF-8 text is refused.

use crate::error::ApiError;

/// The fields in order; repeated names are kept.
pub fn fields(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let kind = content_type.to_ascii_lowercase();
    if kind.starts_with("multipart/form-data") {
        return binary_parts(content_type, body)?
            .into_iter()
            .map(|(name, value)| match String::from_utf8(value) {
                Ok(text) => Ok((name, text)),
                Err(_) => Err(malformed("a part's value")),
            })
            .collect();
    }
    let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    if kind.starts_with("application/json") {
        let value: serde_json::Value = crate::extract::parse_json(body)?;
        let object = value.as_object().ok_or_else(|| malformed("the body is not a JSON object"))?;
        return Ok(object
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    // bizParam sent as an object instead of a string.
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect());
    }
    Ok(form_urlencoded::parse(text.as_bytes()).into_owned().collect())
}

fn malformed(what: &str) -> ApiError {
    ApiError::MalformedJson(what.to_owned())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// A multipart form's parts as bytes (an uploaded spreadsheet is not
/// text), in order.
pub fn binary_parts(content_type: &str, body: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| {
            let p = p.trim();
            p.get(..9).filter(|k| k.eq_ignore_ascii_case("boundary=")).map(|_| &p[9..])
        })
        .next()
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or_else(|| malformed("multipart without a boundary"))?;
    multipart_parts(boundary, body)
}

fn multipart_parts(boundary: &str, body: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut fields = Vec::new();
    let mut at = find(body, delimiter, 0).ok_or_else(|| malformed("multipart without its boundary"))?;
    loop {
        let start = at + delimiter.len();
        if body[start..].starts_with(b"--") {
            return Ok(fields);
        }
        let headers_start = find(body, b"\r\n", start).ok_or_else(|| malformed("a truncated multipart part"))? + 2;
        let headers_end = find(body, b"\r\n\r\n", headers_start).ok_or_else(|| malformed("a part without headers"))?;
        let next = find(body, delimiter, headers_end).ok_or_else(|| malformed("a part without its end"))?;
        let headers = std::str::from_utf8(&body[headers_start..headers_end]).map_err(|_| malformed("part headers"))?;
        // The value ends before the CRLF that precedes the delimiter.
        let value_end = next.saturating_sub(2).max(headers_end + 4);
        if let Some(name) = part_name(headers) {
            fields.push((name, body[headers_end + 4..value_end].to_vec()));
        }
        at = next;
    }
}

/// `name` of `Content-Disposition: form-data; name="appId"`.
fn part_name(headers: &str) -> Option<String> {
    let disposition = headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    disposition.split(';').map(str::trim).find_map(|p| {
        let v = p.strip_prefix("name=")?;
        Some(v.trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_multipart_form_as_curl_sends_it() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"appId\"\r\n\r\nTEST\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"bizParam\"\r\n\r\n{\"page\":1,\"w\":\"a\r\nb\"}\r\n\
                    --XyZ--\r\n";
        let fields = fields("Multipart/Form-Data; Boundary=XyZ", body.as_bytes()).unwrap();
        assert_eq!(fields[0], ("appId".to_owned(), "TEST".to_owned()));
        assert_eq!(fields[1], ("bizParam".to_owned(), "{\"page\":1,\"w\":\"a\r\nb\"}".to_owned()));
        assert_eq!(fields.len(), 2);
    }

    #[test]
    fn reads_urlencoded_and_json() {
        let fields1 = fields("application/x-www-form-urlencoded", b"appId=TEST&bizParam=%7B%7D").unwrap();
        assert_eq!(fields1[1], ("bizParam".to_owned(), "{}".to_owned()));
        let fields2 = fields("application/json", br#"{"appId":"TEST","bizParam":{"page":1}}"#).unwrap();
        assert!(fields2.contains(&("bizParam".to_owned(), r#"{"page":1}"#.to_owned())));
    }

    #[test]
    fn refuses_broken_multipart() {
        assert!(fields("multipart/form-data", b"x").is_err());
        assert!(fields("multipart/form-data; boundary=B", b"--B\r\nno end").is_err());
    }
}
