// A CDK app around a whole-API REST golden's cors.ts (scope = "api"): its
// CorsRestApi construct with every backend prop set (one imported function,
// one URL), the authorizers its routes need, and a synthesis into CDK_OUTDIR
// that needs no bootstrap and reports no analytics. The props are built from
// the module's exported data, so one app serves every case.
import { App, ArnFormat, BootstraplessSynthesizer, CfnOutput, Stack } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cors from "./cors";
import { BACKENDS, CorsRestApi, CorsRestApiProps, PROXY_METHODS } from "./cors";

// With [environments] the module exports policyFor(environment) where it
// otherwise exports POLICY_PATHS, and CorsRestApi takes the environment
// (CDK_ENVIRONMENT): this app serves both.
const mod = cors as unknown as {
  POLICY_PATHS?: readonly cors.PolicyPath[];
  policyFor?: (environment: string) => { readonly paths: readonly cors.PolicyPath[] };
};
const environment = process.env.CDK_ENVIRONMENT;
const POLICY_PATHS = environment === undefined ? mod.POLICY_PATHS ?? [] : mod.policyFor!(environment).paths;

// CDK_FUNCTION_NAME and CDK_BACKEND_URL: the placeholders LocalStack deployments use.
export const BACKEND_URL = process.env.CDK_BACKEND_URL ?? "https://backend.example.com";

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const arn = (name: string) =>
  stack.formatArn({ service: "lambda", resource: "function", resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
const fn = lambda.Function.fromFunctionArn(stack, "Backend", arn(process.env.CDK_FUNCTION_NAME ?? "backend"));
const needed = new Set([
  ...PROXY_METHODS.map((m) => m.authorizer),
  ...POLICY_PATHS.flatMap((p) => p.mockMethods.map((m) => m.authorizer)),
]);
const props = {
  environment,
  lambdaFunction: fn,
  backendUrl: BACKEND_URL,
  backends: Object.fromEntries(BACKENDS.map((b) => [b.name, b.isLambda ? fn : BACKEND_URL])),
  authorizers: {
    custom: needed.has("custom")
      ? new apigateway.TokenAuthorizer(stack, "Custom", {
          handler: lambda.Function.fromFunctionArn(stack, "AuthorizerFunction", arn("authorizer")),
        })
      : undefined,
    cognito: needed.has("cognito")
      ? new apigateway.CognitoUserPoolsAuthorizer(stack, "Cognito", {
          cognitoUserPools: [cognito.UserPool.fromUserPoolId(stack, "Pool", "us-east-1_example")],
        })
      : undefined,
  },
  restApiProps: { cloudWatchRole: false },
};
// The props type differs per policy (one prop per backend); this app sets them all.
const api = new CorsRestApi(stack, "Api", props as unknown as CorsRestApiProps);
new CfnOutput(stack, "RestApiId", { value: api.api.restApiId });
app.synth();
