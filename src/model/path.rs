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

impl Segment {
    /// The segment as declared: `items`, `{id}`, `{proxy+}`.
    pub fn declared(&self) -> String {
        match self {
            Segment::Literal(l) => l.clone(),
            Segment::Param(p) => format!("{{{p}}}"),
            Segment::Greedy(p) => format!("{{{p}+}}"),
        }
    }

    pub fn is_variable(&self) -> bool {
        !matches!(self, Segment::Literal(_))
    }
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

/// A concrete request path's segments, as [`ApiPath::matches_parts`] takes them.
pub fn request_parts(path: &str) -> Vec<&str> {
    path.trim_start_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect()
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

    /// The path with every parameter written by `param(name, greedy)`: the one
    /// place path templates are filled (shapes, backend paths, sample paths).
    /// The root path is `/`.
    pub fn fill(&self, param: impl Fn(&str, bool) -> String) -> String {
        if self.segments.is_empty() {
            return "/".into();
        }
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => format!("/{l}"),
                Segment::Param(p) => format!("/{}", param(p, false)),
                Segment::Greedy(p) => format!("/{}", param(p, true)),
            })
            .collect()
    }

    /// The path with parameter names erased: API Gateway treats `/a/{x}` and
    /// `/a/{y}` as the same resource position.
    pub fn shape(&self) -> String {
        self.fill(|_, greedy| if greedy { "{+}" } else { "{}" }.to_string())
    }

    /// The shape of the path's first `n` segments (a resource position's parent).
    pub fn prefix_shape(&self, n: usize) -> String {
        ApiPath {
            text: String::new(),
            segments: self.segments[..n.min(self.segments.len())].to_vec(),
        }
        .shape()
    }

    /// The path an HTTP proxy integration forwards to: every parameter, the
    /// greedy one included, as a plain `{name}` placeholder (API Gateway maps
    /// `integration.request.path.name` into it).
    pub fn backend_path(&self) -> String {
        self.fill(|p, _| format!("{{{p}}}"))
    }

    /// A concrete path this template matches, every parameter set to `value`.
    pub fn sample(&self, value: &str) -> String {
        self.fill(|_, _| value.to_string())
    }

    /// The parameter names, in order (the greedy one included).
    pub fn params(&self) -> Vec<String> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) | Segment::Greedy(p) => Some(p.clone()),
                Segment::Literal(_) => None,
            })
            .collect()
    }

    /// Each prefix of the path with its last segment as declared:
    /// `/a/{id}` -> `[("/a", "a"), ("/a/{id}", "{id}")]` (API Gateway's resources).
    pub fn prefixes(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut prefix = String::new();
        for seg in &self.segments {
            let part = seg.declared();
            prefix = format!("{prefix}/{part}");
            out.push((prefix.clone(), part));
        }
        out
    }

    /// Whether this template matches the concrete request `path`.
    pub fn matches(&self, path: &str) -> bool {
        self.matches_parts(&request_parts(path))
    }

    /// [`matches`](Self::matches) of a path already split by [`request_parts`]
    /// (one split for every route a request is matched against).
    pub fn matches_parts(&self, parts: &[&str]) -> bool {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Greedy(_) => return parts.len() > i,
                Segment::Literal(l) if parts.get(i) != Some(&l.as_str()) => return false,
                Segment::Param(_) if parts.get(i).is_none() => return false,
                _ => {}
            }
        }
        parts.len() == self.segments.len()
    }

    /// How specific the template is, for picking the route API Gateway would
    /// pick: literals before parameters before a greedy parameter, and longer
    /// before shorter.
    pub fn specificity(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 3,
                Segment::Param(_) => 2,
                Segment::Greedy(_) => 1,
            })
            .sum::<usize>()
            * 10
            + self.segments.len()
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
    fn templates_are_filled_one_way() {
        let p = ApiPath::parse("/items/{id}/files/{proxy+}").unwrap();
        assert_eq!(p.backend_path(), "/items/{id}/files/{proxy}");
        assert_eq!(p.sample("x"), "/items/x/files/x");
        assert_eq!(p.params(), ["id", "proxy"]);
        assert_eq!(
            p.prefixes()[1],
            ("/items/{id}".to_string(), "{id}".to_string())
        );
        assert_eq!(p.prefixes()[3].1, "{proxy+}");
        let root = ApiPath::parse("/").unwrap();
        assert_eq!(
            (root.backend_path(), root.sample("x")),
            ("/".into(), "/".into())
        );
        assert!(root.prefixes().is_empty());
    }

    #[test]
    fn paths_match_templates() {
        let p = ApiPath::parse("/items/{id}").unwrap();
        assert!(p.matches("/items/42"));
        assert!(!p.matches("/items"));
        assert!(!p.matches("/items/42/x"));
        assert!(!p.matches("/other/42"));
        let g = ApiPath::parse("/files/{proxy+}").unwrap();
        assert!(g.matches("/files/a/b"));
        assert!(!g.matches("/files"));
        assert!(ApiPath::parse("/").unwrap().matches("/"));
        assert!(p.specificity() > ApiPath::parse("/{a}/{b}").unwrap().specificity());
        assert!(p.specificity() > g.specificity());
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
