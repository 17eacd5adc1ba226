//! How a route is wired into API Gateway: its integration and its
//! authorization, as typed values. Each value's spellings (the API Gateway
//! type names, the resource-name stem) live here, once; templates receive an
//! object with the spellings and one boolean per variant, so they branch on
//! `m.integration.is_lambda`, never on a string. The `uses_*` flags of the
//! plans compare these enums, not text.
//! Type names: API Gateway REST `Integration.Type` / `Method.AuthorizationType`
//! and HTTP API `Integration.IntegrationType` / `Route.AuthorizationType`
//! (AWS CloudFormation resource reference).

use crate::model;
use serde::ser::{Serialize, SerializeStruct, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Integration {
    /// Lambda proxy (`AWS_PROXY`).
    Lambda,
    /// HTTP proxy (`HTTP_PROXY`).
    Http,
    /// API Gateway answers itself (`MOCK`; REST only).
    Mock,
}

impl Integration {
    pub fn from_model(i: model::Integration) -> Integration {
        match i {
            model::Integration::Lambda => Integration::Lambda,
            model::Integration::Http => Integration::Http,
            model::Integration::Mock => Integration::Mock,
        }
    }

    /// The stem of the resources and parameters it needs (`lambda`, `http`).
    pub fn name(self) -> &'static str {
        match self {
            Integration::Lambda => "lambda",
            Integration::Http => "http",
            Integration::Mock => "mock",
        }
    }

    /// API Gateway's integration type.
    pub fn aws_type(self) -> &'static str {
        match self {
            Integration::Lambda => "AWS_PROXY",
            Integration::Http => "HTTP_PROXY",
            Integration::Mock => "MOCK",
        }
    }
}

impl Serialize for Integration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Integration", 5)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("type", self.aws_type())?;
        st.serialize_field("is_lambda", &(*self == Integration::Lambda))?;
        st.serialize_field("is_http", &(*self == Integration::Http))?;
        st.serialize_field("is_mock", &(*self == Integration::Mock))?;
        st.end()
    }
}

/// An authorizer resource the API declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authorizer {
    /// REST: a Cognito user pool authorizer.
    Cognito,
    /// REST and HTTP: a Lambda authorizer.
    Custom,
    /// HTTP: a JWT authorizer.
    Jwt,
}

impl Authorizer {
    /// The stem of its resource and parameter names (`cognito`, `custom`, `jwt`).
    pub fn name(self) -> &'static str {
        match self {
            Authorizer::Cognito => "cognito",
            Authorizer::Custom => "custom",
            Authorizer::Jwt => "jwt",
        }
    }
}

impl Serialize for Authorizer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Authorizer", 4)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("is_cognito", &(*self == Authorizer::Cognito))?;
        st.serialize_field("is_custom", &(*self == Authorizer::Custom))?;
        st.serialize_field("is_jwt", &(*self == Authorizer::Jwt))?;
        st.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authorization {
    None,
    /// SigV4-signed requests (`AWS_IAM`).
    Iam,
    Authorizer(Authorizer),
}

impl Authorization {
    /// `None` when the API type cannot express it (validation refuses such
    /// policies before a plan is made: jwt on REST, cognito on HTTP).
    pub fn from_model(a: model::Authorization, api: model::ApiType) -> Option<Authorization> {
        use model::ApiType::{Http, Rest};
        Some(match (a, api) {
            (model::Authorization::None, _) => Authorization::None,
            (model::Authorization::Iam, _) => Authorization::Iam,
            (model::Authorization::Custom, _) => Authorization::Authorizer(Authorizer::Custom),
            (model::Authorization::Cognito, Rest) => Authorization::Authorizer(Authorizer::Cognito),
            (model::Authorization::Jwt, Http) => Authorization::Authorizer(Authorizer::Jwt),
            (model::Authorization::Cognito, Http) | (model::Authorization::Jwt, Rest) => {
                return None;
            }
        })
    }

    /// API Gateway's authorization type.
    pub fn aws_type(self) -> &'static str {
        match self {
            Authorization::None => "NONE",
            Authorization::Iam => "AWS_IAM",
            Authorization::Authorizer(Authorizer::Cognito) => "COGNITO_USER_POOLS",
            Authorization::Authorizer(Authorizer::Custom) => "CUSTOM",
            Authorization::Authorizer(Authorizer::Jwt) => "JWT",
        }
    }

    pub fn authorizer(self) -> Option<Authorizer> {
        match self {
            Authorization::Authorizer(a) => Some(a),
            _ => None,
        }
    }
}

impl Serialize for Authorization {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Authorization", 3)?;
        st.serialize_field("type", self.aws_type())?;
        st.serialize_field("is_iam", &(*self == Authorization::Iam))?;
        st.serialize_field("authorizer", &self.authorizer())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ApiType::{Http, Rest};

    #[test]
    fn types_are_spelled_as_api_gateway_names_them() {
        assert_eq!(Integration::Lambda.aws_type(), "AWS_PROXY");
        assert_eq!(Integration::Http.aws_type(), "HTTP_PROXY");
        assert_eq!(Integration::Mock.aws_type(), "MOCK");
        let rest = |a| Authorization::from_model(a, Rest).map(Authorization::aws_type);
        let http = |a| Authorization::from_model(a, Http).map(Authorization::aws_type);
        assert_eq!(
            rest(model::Authorization::Cognito),
            Some("COGNITO_USER_POOLS")
        );
        assert_eq!(rest(model::Authorization::Custom), Some("CUSTOM"));
        assert_eq!(rest(model::Authorization::Jwt), None);
        assert_eq!(http(model::Authorization::Jwt), Some("JWT"));
        assert_eq!(http(model::Authorization::Cognito), None);
        assert_eq!(http(model::Authorization::Iam), Some("AWS_IAM"));
    }

    #[test]
    fn templates_get_one_flag_per_variant() {
        let v = serde_json::to_value(Authorization::Authorizer(Authorizer::Jwt)).unwrap();
        assert_eq!(v["authorizer"]["is_jwt"], true);
        assert_eq!(v["authorizer"]["is_custom"], false);
        assert_eq!(v["is_iam"], false);
        let v = serde_json::to_value(Integration::Mock).unwrap();
        assert_eq!(v["is_mock"], true);
        assert_eq!(v["name"], "mock");
    }
}
