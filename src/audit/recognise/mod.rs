//! From parsed files to the neutral [`Api`] model: every API Gateway API
//! (REST and HTTP) declared in Terraform, CloudFormation, SAM or OpenAPI.

pub mod cloudformation;
pub mod edge;
pub mod openapi;
pub mod sam;
pub mod terraform;

use super::doc::{Kind, Node};
use super::hcl::TfBlock;
use super::model::*;

/// One input file, parsed.
pub enum Parsed {
    Yaml(Node),
    /// A Terraform file's blocks and its folder (the module it belongs to).
    Hcl(Vec<TfBlock>, String),
}

/// Every API in `files` (index = file number in [`Loc`]). The Terraform
/// files of one folder are read together, as Terraform reads a module; two
/// folders are two modules, whose `aws_api_gateway_rest_api.this` differ.
pub fn apis(files: &[Parsed]) -> Vec<Api> {
    let mut out = Vec::new();
    let mut modules: Vec<(&str, Vec<(usize, &TfBlock)>)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match f {
            Parsed::Hcl(blocks, dir) => {
                let blocks = blocks.iter().map(|b| (i, b));
                match modules.iter_mut().find(|(d, _)| d == dir) {
                    Some((_, tf)) => tf.extend(blocks),
                    None => modules.push((dir, blocks.collect())),
                }
            }
            Parsed::Yaml(doc) if doc.get("Resources").is_some() => {
                out.extend(cloudformation::apis(doc, i))
            }
            Parsed::Yaml(doc) if openapi::is_openapi(doc) => {
                let mut api = openapi::api(doc, i, "openapi", None);
                api.document = Some(i);
                out.push(api)
            }
            Parsed::Yaml(_) => {}
        }
    }
    for (_, tf) in &modules {
        out.extend(terraform::apis(tf));
    }
    out
}

pub(crate) fn loc(file: usize, n: &Node) -> Loc {
    Loc {
        file,
        span: n.span.clone(),
    }
}

pub(crate) fn value(n: &Node, file: usize) -> Value {
    // A value chosen per environment: the default's, and each one's.
    if let Some(crate::audit::choice::Choice { taken, options }) = crate::audit::choice::read(n) {
        return Value {
            text: taken.and_then(Node::text).map(str::to_string),
            loc: loc(file, n),
            template: None,
            per_env: options
                .iter()
                .filter_map(|(env, v)| Some((env.to_string(), v.text()?.to_string())))
                .collect(),
        };
    }
    Value {
        text: n.text().map(str::to_string),
        loc: loc(file, n),
        template: n.text().is_none().then(|| template(n)).flatten(),
        per_env: vec![],
    }
}

/// A value the files compute, as a template with `${name}` for each part
/// that is not known here: a Terraform reference (`var.origin`) or quoted
/// template (`"'${var.origin}'"`), a CloudFormation `!Ref X` or `!Sub`
/// string. `None` for anything else (a function call, a conditional).
pub(crate) fn template(n: &Node) -> Option<String> {
    match &n.kind {
        Kind::Expr(e) => {
            let e = e.trim();
            if let Some(inner) = e.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                (!inner.contains(['\\', '"']) && !inner.contains("%{")).then(|| inner.to_string())
            } else if !e.is_empty()
                && e.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            {
                Some(format!("${{{e}}}"))
            } else {
                None
            }
        }
        Kind::Intrinsic(..) | Kind::Map(_) => match n.intrinsic()? {
            ("Ref", a) => a.text().map(|x| format!("${{{x}}}")),
            ("Fn::Sub", a) => match &a.kind {
                Kind::List(items) => items.first().and_then(Node::text).map(str::to_string),
                _ => a.text().map(str::to_string),
            },
            _ => None,
        },
        _ => None,
    }
}

/// The headers an identity source reads, written as one string
/// (`method.request.header.A, method.request.querystring.b`) or as a list.
pub(crate) fn identity_headers_of(source: Option<&Node>) -> Vec<String> {
    match source.map(|s| &s.kind) {
        Some(Kind::List(items)) => identity_headers(items.iter().filter_map(Node::text)),
        _ => identity_headers(source.and_then(Node::text)),
    }
}

/// A `response_parameters` / `ResponseParameters` map.
pub(crate) fn mappings(n: &Node, file: usize) -> Vec<Mapping> {
    n.entries()
        .iter()
        .map(|e| Mapping {
            key: e.key.clone(),
            key_loc: Loc {
                file,
                span: e.key_span.clone(),
            },
            value: value(&e.value, file),
        })
        .collect()
}

/// A CORS configuration block, given its six key names in the order origins,
/// methods, headers, expose, credentials, max age.
pub(crate) fn cors_config(n: &Node, file: usize, keys: [&str; 6]) -> CorsConfig {
    let list = |k: &str| -> Vec<Value> {
        // A whole list chosen per environment: the default's items, and each
        // environment's list (comma-joined) on the first of them.
        if let Some(crate::audit::choice::Choice { taken, options }) =
            n.get(k).and_then(crate::audit::choice::read)
        {
            let at = n.get(k).map(|v| loc(file, v)).unwrap_or_default();
            let mut items: Vec<Value> = match taken.map(|t| &t.kind) {
                Some(Kind::List(xs)) => xs.iter().map(|x| value(x, file)).collect(),
                Some(_) => vec![value(taken.unwrap(), file)],
                None => vec![],
            };
            for i in &mut items {
                i.loc = at.clone();
            }
            let per_env: Vec<(String, String)> = options
                .iter()
                .map(|(env, v)| {
                    let texts: Vec<&str> = match &v.kind {
                        Kind::List(xs) => xs.iter().filter_map(Node::text).collect(),
                        _ => v.text().into_iter().collect(),
                    };
                    (env.to_string(), texts.join(","))
                })
                .collect();
            if items.is_empty() {
                items.push(Value {
                    text: None,
                    loc: at,
                    template: None,
                    per_env,
                });
            } else {
                items[0].per_env = per_env;
            }
            return items;
        }
        match n.get(k) {
            Some(v) if matches!(v.kind, Kind::List(_)) => {
                v.items().iter().map(|x| value(x, file)).collect()
            }
            Some(v) => vec![value(v, file)],
            None => vec![],
        }
    };
    CorsConfig {
        loc: loc(file, n),
        origins: list(keys[0]),
        methods: list(keys[1]),
        headers: list(keys[2]),
        expose: list(keys[3]),
        credentials: n.get(keys[4]).map(|v| value(v, file)),
        max_age: n.get(keys[5]).map(|v| value(v, file)),
    }
}

/// The logical id a CloudFormation reference names: `!Ref X`, `!GetAtt X.Y`,
/// `{"Fn::GetAtt": ["X", "Y"]}`.
pub(crate) fn cfn_ref(n: &Node) -> Option<&str> {
    let (name, arg) = n.intrinsic()?;
    match name {
        "Ref" => arg.text(),
        "Fn::GetAtt" => match arg.text() {
            Some(t) => t.split('.').next(),
            None => arg.items().first().and_then(Node::text),
        },
        _ => None,
    }
}

/// What each named authorizer is, so a method's `security: [{Name: []}]`
/// reads as its kind: SAM `Auth.Authorizers` (UserPoolArn: Cognito,
/// FunctionArn: Lambda, JwtConfiguration: JWT) and OpenAPI security schemes
/// (`x-amazon-apigateway-authtype`, `x-amazon-apigateway-authorizer.type`).
pub(crate) fn name_authorizers(api: &mut Api, sam_auth: Option<&Node>, body: Option<&Node>) {
    let mut kinds: Vec<(String, &'static str)> = Vec::new();
    for e in sam_auth
        .and_then(|a| a.get("Authorizers"))
        .map(Node::entries)
        .unwrap_or(&[])
    {
        let v = &e.value;
        let kind = if v.get("UserPoolArn").is_some() {
            "COGNITO_USER_POOLS"
        } else if v.get("JwtConfiguration").is_some() {
            "JWT"
        } else {
            "CUSTOM"
        };
        kinds.push((e.key.clone(), kind));
        // SAM reference (ApiAuth, HttpApiAuth): Identity.Header defaults to
        // Authorization for token and Cognito authorizers; a REQUEST one reads
        // Identity.Headers; a JWT one its IdentitySource
        // ($request.header.Authorization by default).
        let headers = if let Some(src) = v.get("IdentitySource").and_then(Node::text) {
            identity_headers([src])
        } else if let Some(hs) = v.at(&["Identity", "Headers"]) {
            hs.items()
                .iter()
                .filter_map(Node::text)
                .map(str::to_string)
                .collect()
        } else if v.get("FunctionPayloadType").and_then(Node::text) == Some("REQUEST") {
            vec![]
        } else {
            vec![
                v.at(&["Identity", "Header"])
                    .and_then(Node::text)
                    .unwrap_or("Authorization")
                    .to_string(),
            ]
        };
        api.authorizers.push(Authorizer {
            id: e.key.clone(),
            headers,
        });
    }
    let schemes = body.and_then(|b| {
        b.get("securityDefinitions")
            .or(b.at(&["components", "securitySchemes"]))
    });
    for e in schemes.map(Node::entries).unwrap_or(&[]) {
        let t = e
            .value
            .get("x-amazon-apigateway-authtype")
            .and_then(Node::text)
            .unwrap_or("")
            .to_ascii_lowercase();
        let a = e
            .value
            .at(&["x-amazon-apigateway-authorizer", "type"])
            .and_then(Node::text)
            .unwrap_or("")
            .to_ascii_lowercase();
        let kind = match (t.as_str(), a.as_str()) {
            ("awssigv4", _) => "AWS_IAM",
            ("cognito_user_pools", _) | (_, "cognito_user_pools") => "COGNITO_USER_POOLS",
            (_, "jwt") => "JWT",
            _ if e.value.get("openIdConnectUrl").is_some() => "JWT",
            _ => "CUSTOM",
        };
        kinds.push((e.key.clone(), kind));
        // The authorizer's identitySource when it has one, else the header an
        // `in: header` scheme names (an API key's x-api-key, a token's Authorization).
        let source = e
            .value
            .at(&["x-amazon-apigateway-authorizer", "identitySource"]);
        let from_source = identity_headers_of(source);
        let headers = if !from_source.is_empty() || source.is_some() {
            from_source
        } else if e.value.get("in").and_then(Node::text) == Some("header") {
            e.value
                .get("name")
                .and_then(Node::text)
                .map(str::to_string)
                .into_iter()
                .collect()
        } else if kind == "JWT" || kind == "COGNITO_USER_POOLS" {
            vec!["Authorization".into()]
        } else {
            vec![]
        };
        api.authorizers.push(Authorizer {
            id: e.key.clone(),
            headers,
        });
    }
    let rename = |text: &mut String| {
        if let Some((_, k)) = kinds.iter().find(|(n, _)| n == text) {
            *text = k.to_string();
        }
    };
    let named = |text: &str| kinds.iter().any(|(n, _)| n == text);
    for m in &mut api.methods {
        if let Some(t) = m.authorization.as_mut().and_then(|a| a.text.as_mut()) {
            if m.authorizer.is_none() && named(t) {
                m.authorizer = Some(t.clone());
            }
            rename(t);
        }
    }
    for r in &mut api.http_routes {
        if r.authorizer.is_none() && named(&r.kind) {
            r.authorizer = Some(r.kind.clone());
        }
        rename(&mut r.kind);
    }
}
