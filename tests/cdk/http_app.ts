// A CDK app around an HTTP golden's cors.ts (tests/conformance/test_cdk.py
// copies both into one folder): an HttpApi, applyCorsPolicy, and a synthesis
// into CDK_OUTDIR that needs no bootstrap and reports no analytics.
import { App, BootstraplessSynthesizer, Stack } from "aws-cdk-lib";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { applyCorsPolicy } from "./cors";

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const api = new apigwv2.HttpApi(stack, "Api");
applyCorsPolicy(api);
app.synth();
