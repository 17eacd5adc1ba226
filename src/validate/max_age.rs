//! `max_age`: whole seconds or "30s" / "10m" / "1h" / "1d", checked against
//! what the target accepts and what browsers honour. Facts: ApiGatewayV2
//! `Cors.MaxAge` is -1..86400 (API model; the Terraform provider does not check
//! it); Chromium caps preflight caching at 7200 s since v76, Firefox at 86400 s.

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::ApiType;
use crate::policy::Sp;
use crate::policy::raw::RawDuration;

pub const HTTP_API_MAX: i64 = 86_400;
pub const CHROMIUM_CAP: i64 = 7_200;

pub fn validate(raw: &Sp<RawDuration>, api_type: Option<ApiType>, f: &mut Findings) -> Option<i64> {
    let seconds = match raw.get() {
        RawDuration::Seconds(s) => *s,
        RawDuration::Text(t) => match parse_duration(t) {
            Some(s) => s,
            None => {
                f.push(
                    Diagnostic::new(
                        Code::InvalidMaxAge,
                        format!("max_age \"{t}\" is not a duration"),
                        raw.span(),
                    )
                    .label("expected whole seconds or a number with s, m, h or d")
                    .help("write e.g. max_age = 600, \"10m\" or \"1h\""),
                );
                return None;
            }
        },
    };
    if seconds < 0 {
        f.push(
            Diagnostic::new(
                Code::MaxAgeOutOfRange,
                format!("max_age {seconds} is negative"),
                raw.span(),
            )
            .label("negative max_age")
            .help(
                "browsers ignore a negative Max-Age (and cache for 5 s); use 0 to disable caching",
            ),
        );
        return None;
    }
    if seconds > HTTP_API_MAX && api_type == Some(ApiType::Http) {
        f.push(
            Diagnostic::new(
                Code::MaxAgeOutOfRange,
                format!("max_age {seconds} is over the HTTP API limit of {HTTP_API_MAX} s"),
                raw.span(),
            )
            .label("API Gateway rejects this at deploy time")
            .help(format!(
                "use at most {CHROMIUM_CAP} (Chromium's cap); the deploy fails above {HTTP_API_MAX}"
            )),
        );
        return None;
    }
    if seconds > CHROMIUM_CAP {
        f.push(
            Diagnostic::new(
                Code::MaxAgeOverBrowserCap,
                format!("max_age {seconds} is over Chromium's cap of {CHROMIUM_CAP} s"),
                raw.span(),
            )
            .label("Chromium caches the preflight for 2 h at most")
            .help(format!(
                "use {CHROMIUM_CAP} (\"2h\") or less to get the same behaviour in every browser"
            )),
        );
    }
    Some(seconds)
}

/// "90s" -> 90, "10m" -> 600, "1h" -> 3600, "1d" -> 86400.
pub fn parse_duration(text: &str) -> Option<i64> {
    let unit = text.chars().last()?;
    let mult = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok()?.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30));
        assert_eq!(parse_duration("10m"), Some(600));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("1d"), Some(86400));
        for bad in [
            "",
            "h",
            "1",
            "1.5h",
            "-1h",
            "1 h",
            "1w",
            "99999999999999999999s",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
