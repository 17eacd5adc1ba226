//! A route path in API Gateway's syntax: literal segments, `{param}`, and a
//! greedy `{proxy+}` as the last segment. Parsing lives here so every target
//! agrees on what a path is, how two paths collide, and how it is named.

use heck::ToSnakeCase;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Literal(String),
    Param(String),
    Greedy(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiPath {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Serialize for ApiPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl ApiPath {
    /// Parse a path, or say what is wrong with it.
    pub fn parse(text: &str) -> Result<ApiPath, String> {
        if !text.starts_with('/') {
            return Err("a path starts with `/`".into());
        }
        if text == "/" {
            return Ok(ApiPath {
                text: text.into(),
                segments: vec![],
            });
        }
        if text.ends_with('/') {
            return Err("a path does not end with `/` (only the root path is `/`)".into());
        }
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        let parts: Vec<&str> = text[1..].split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            if part.is_empty() {
                return Err("a path has no empty segments (`//`)".into());
            }
            if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                let (name, greedy) = match inner.strip_suffix('+') {
                    Some(n) => (n, true),
                    None => (inner, false),
                };
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(format!(
                        "`{part}`: a parameter name is letters, digits, `_` or `-`"
                    ));
                }
                if names.contains(&name) {
                    return Err(format!("`{{{name}}}` appears twice in this path"));
                }
                names.push(name);
                if greedy {
                    if i + 1 != parts.len() {
                        return Err(format!("`{part}` is greedy and must be the last segment"));
                    }
                    segments.push(Segment::Greedy(name.into()));
                } else {
                    segments.push(Segment::Param(name.into()));
                }
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~:@".contains(c))
            {
                segments.push(Segment::Literal((*part).into()));
            } else {
                return Err(format!(
                    "`{part}`: a literal segment is letters, digits and `-._~:@`; parameters are written `{{name}}`"
                ));
            }
        }
        Ok(ApiPath {
            text: text.into(),
            segments,
        })
    }

    /// The path with parameter names erased: API Gateway treats `/a/{x}` and
    /// `/a/{y}` as the same resource position.
    pub fn shape(&self) -> String {
        if self.segments.is_empty() {
            return "/".into();
        }
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => format!("/{l}"),
                Segment::Param(_) => "/{}".into(),
                Segment::Greedy(_) => "/{+}".into(),
            })
            .collect()
    }

    pub fn is_greedy(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Greedy(_)))
    }

    /// A readable snake_case name for the path: `/v1/items/{id}` -> `v1_items_id`,
    /// `/` -> `root`.
    pub fn slug(&self) -> String {
        if self.segments.is_empty() {
            return "root".into();
        }
        let parts: Vec<String> = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) | Segment::Param(l) | Segment::Greedy(l) => l.to_snake_case(),
            })
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            "path".into()
        } else {
            parts.join("_")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_params_and_greedy() {
        let p = ApiPath::parse("/v1/users/{userId}/files/{proxy+}").unwrap();
        assert_eq!(p.segments.len(), 5);
        assert!(p.is_greedy());
        assert_eq!(p.shape(), "/v1/users/{}/files/{+}");
        assert_eq!(p.slug(), "v1_users_user_id_files_proxy");
        assert_eq!(ApiPath::parse("/").unwrap().slug(), "root");
    }

    #[test]
    fn refuses_what_api_gateway_refuses() {
        for bad in [
            "items",
            "/items/",
            "/a//b",
            "/{proxy+}/x",
            "/{a}/{a}",
            "/a b",
            "/{}",
            "/a?b",
        ] {
            assert!(ApiPath::parse(bad).is_err(), "{bad}");
        }
    }
}
