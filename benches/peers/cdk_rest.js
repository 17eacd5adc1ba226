// scripts/bench --peers: the REST API of scripts/bench's `rest_policy N`
// written with aws-cdk-lib, so CDK synth is timed on the same API corsform
// builds: N routes of GET and PUT over the same nested paths, a Lambda
// route, a Lambda route with a path parameter and a MOCK route in turn, CORS
// for the same 50 origins and pattern (CDK has no pattern: the pattern string
// is one more listed origin), and CORS on the DEFAULT_4XX and DEFAULT_5XX
// gateway responses.
// Validation off, the fastest synth CDK offers: construct validation skipped
// (`skipValidation`) and the built-in CloudFormation rule check CDK runs on
// every synth since 2.27x turned off (`builtinCloudFormationValidation`).
// Usage: node cdk_rest.js N OUTDIR
"use strict";
const cdk = require("aws-cdk-lib");
const apigw = require("aws-cdk-lib/aws-apigateway");
const lambda = require("aws-cdk-lib/aws-lambda");

const n = Number(process.argv[2]);
const outdir = process.argv[3];
// CloudFormation allows 500 resources a stack; CDK refuses more at synth,
// and the limit is not what is timed here, so it is lifted.
const app = new cdk.App({
  outdir,
  builtinCloudFormationValidation: false,
  context: { "@aws-cdk/core:stackResourceLimit": 0 },
});
const stack = new cdk.Stack(app, `bench-${n}`, {
  env: { account: "123456789012", region: "us-east-1" },
});
const origins = [];
for (let i = 0; i < 50; i++) origins.push(`https://app${i}.example.com`);
origins.push("https://*.preview.example.com");
const cors = {
  allowOrigins: origins,
  allowHeaders: ["content-type", "authorization", "x-request-id"],
  exposeHeaders: ["x-request-id"],
  allowCredentials: true,
  maxAge: cdk.Duration.seconds(600),
};
const api = new apigw.RestApi(stack, "Api", {
  restApiName: `bench-${n}`,
  defaultCorsPreflightOptions: cors,
});
const corsHeaders = {
  "Access-Control-Allow-Origin": "method.request.header.Origin",
  "Access-Control-Allow-Credentials": "'true'",
};
api.addGatewayResponse("Default4xx", {
  type: apigw.ResponseType.DEFAULT_4XX,
  responseHeaders: corsHeaders,
});
api.addGatewayResponse("Default5xx", {
  type: apigw.ResponseType.DEFAULT_5XX,
  responseHeaders: corsHeaders,
});
const fn = lambda.Function.fromFunctionArn(
  stack,
  "Backend",
  "arn:aws:lambda:us-east-1:123456789012:function:backend",
);
const lambdaIntegration = new apigw.LambdaIntegration(fn);
const mockIntegration = new apigw.MockIntegration({
  requestTemplates: { "application/json": '{"statusCode": 200}' },
  integrationResponses: [{ statusCode: "200" }],
});
for (let i = 0; i < n; i++) {
  const g = Math.floor(i / 10).toString(16);
  const h = i.toString(16);
  let path, integration;
  if (i % 3 === 0) {
    path = `g${g}/i${h}`;
    integration = lambdaIntegration;
  } else if (i % 3 === 1) {
    path = `g${g}/i${h}/{id}`;
    integration = lambdaIntegration;
  } else {
    path = `g${g}/s${h}`;
    integration = mockIntegration;
  }
  const resource = api.root.resourceForPath(path);
  for (const m of ["GET", "PUT"]) resource.addMethod(m, integration);
}
app.synth({ skipValidation: true });
