//! `function-url-cors-with-function-headers` (CF0923): a Lambda function URL
//! with a CORS block whose function also sets Access-Control-Allow-Origin
//! (or -Allow-Credentials) itself. With a CORS block, the function URL
//! answers preflights from it and adds its headers to the function's
//! responses (Lambda Developer Guide, "Creating and managing Lambda function
//! URLs", CORS; API Reference, Cors); a function that sets them too makes the
//! response carry them twice, which observed deployments show as
//! `Access-Control-Allow-Origin: a, a` (aws-powertools/powertools-lambda-python
//! issue 4163, hummingbird-project/hummingbird-examples PR 130). The Fetch
//! standard's CORS check then fails: the value is not one origin.

use super::*;
use crate::audit::model::edge::FunctionUrl;

pub(super) fn url(u: &FunctionUrl, out: &mut Vec<Finding>) {
    let clashing: Vec<&str> = u
        .code_headers
        .iter()
        .map(String::as_str)
        .filter(|h| {
            h.eq_ignore_ascii_case(ALLOW_ORIGIN)
                || h.eq_ignore_ascii_case("Access-Control-Allow-Credentials")
        })
        .collect();
    if clashing.is_empty() {
        return;
    }
    let code = u
        .code_from
        .as_ref()
        .map_or(String::new(), |from| format!(" in its {from}"));
    out.push(at(
        Code::FunctionUrlCorsWithFunctionHeaders,
        &u.cors,
        format!(
            "function URL {} has a CORS block and its function {} also sets {}{code}: Lambda adds the URL's CORS headers to what the function returns, so the response carries them twice (`a, a`), which the browser refuses",
            u.name,
            u.function,
            clashing.join(" and ")
        ),
        "keep one owner: remove the headers from the function's code (the CORS block answers preflights and adds them), or remove the CORS block and answer preflights in the function",
    ));
}
