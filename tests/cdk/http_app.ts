// A CDK app around an HTTP golden's cors.ts (tests/conformance/test_cdk.py
// copies both into one folder): an HttpApi, applyCorsPolicy, and a synthesis
// into CDK_OUTDIR that needs no bootstrap and reports no analytics. With
// [environments], the module's applyCorsPolicy takes CDK_ENVIRONMENT.
import { App, BootstraplessSynthesizer, Stack } from "aws-cdk-lib";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cors from "./cors";

// The signature differs with [environments]; this app serves both.
const applyCorsPolicy = cors.applyCorsPolicy as (api: apigwv2.HttpApi, options?: object) => void;
const environment = process.env.CDK_ENVIRONMENT;

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const api = new apigwv2.HttpApi(stack, "Api");
applyCorsPolicy(api, environment === undefined ? undefined : { environment });
app.synth();
