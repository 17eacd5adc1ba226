//! A CORS response header as the REST plan carries it: a name and a typed
//! value. API Gateway sets response headers from *mapping expressions*: a
//! static value is a single-quoted literal (`'https://app.example.com'`), a
//! request header is `method.request.header.<Name>` (API Gateway developer
//! guide, "Amazon API Gateway API request and response data mapping
//! reference"). That spelling is produced in exactly one place,
//! [`HeaderValue::mapping`], and serialized as `mapping` for the templates;
//! `answer` evaluates the typed value, never the spelled one.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// What a header's value is, before any language spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// The same value on every response.
    Static(String),
    /// The request's `Origin` header, echoed unchecked (gateway responses with
    /// `[gateway_responses] origin = "reflect"`).
    RequestOrigin,
}

impl HeaderValue {
    /// The API Gateway mapping expression for this value.
    pub fn mapping(&self) -> String {
        match self {
            HeaderValue::Static(v) => format!("'{v}'"),
            HeaderValue::RequestOrigin => "method.request.header.Origin".to_string(),
        }
    }

    /// The value a browser receives for a request from `origin`; `None` when the
    /// header is not sent (API Gateway omits a mapping whose source is absent).
    pub fn resolve(&self, origin: &str) -> Option<String> {
        match self {
            HeaderValue::Static(v) => Some(v.clone()),
            HeaderValue::RequestOrigin => (!origin.is_empty()).then(|| origin.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: HeaderValue,
}

impl Header {
    pub fn fixed(name: &str, value: &str) -> Header {
        Header {
            name: name.into(),
            value: HeaderValue::Static(value.into()),
        }
    }
}

/// Templates see `{ name, mapping }`: the mapping expression, spelled once.
impl Serialize for Header {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Header", 2)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("mapping", &self.value.mapping())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_values_are_quoted_literals_and_origin_is_a_request_mapping() {
        let h = Header::fixed("Vary", "Origin");
        assert_eq!(h.value.mapping(), "'Origin'");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"name":"Vary","mapping":"'Origin'"}"#
        );
        assert_eq!(
            HeaderValue::RequestOrigin.mapping(),
            "method.request.header.Origin"
        );
    }

    #[test]
    fn resolving_reads_the_typed_value() {
        let o = "https://a.example.com";
        assert_eq!(
            HeaderValue::Static("x".into()).resolve(o).as_deref(),
            Some("x")
        );
        assert_eq!(HeaderValue::RequestOrigin.resolve(o).as_deref(), Some(o));
        assert_eq!(HeaderValue::RequestOrigin.resolve(""), None);
    }
}
