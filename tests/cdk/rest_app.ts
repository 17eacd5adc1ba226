// A CDK app around a REST golden's cors.ts (tests/conformance/test_cdk.py
// copies both into one folder): a RestApi with the app's own proxy routes
// (CDK_PROXY_ROUTES: the ones corsform's CloudFormation target deploys for the
// policy, each to the placeholder function CDK_FUNCTION_NAME or URL
// CDK_BACKEND_URL), the authorizers its routes need, applyCorsPolicy after
// them, and a synthesis into CDK_OUTDIR that needs no bootstrap and reports no
// analytics (LocalStack deploys it as is). With [environments], the module
// deploys CDK_ENVIRONMENT.
import { App, ArnFormat, BootstraplessSynthesizer, CfnOutput, Stack } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cors from "./cors";

// With [environments] the module exports policyFor(environment) where it
// otherwise exports POLICY_PATHS, and applyCorsPolicy takes the environment:
// this app serves both.
const mod = cors as unknown as {
  POLICY_PATHS?: readonly cors.PolicyPath[];
  policyFor?: (environment: string) => { readonly paths: readonly cors.PolicyPath[] };
  applyCorsPolicy: (api: apigateway.RestApiBase, options: object) => void;
};
const environment = process.env.CDK_ENVIRONMENT;
const POLICY_PATHS = environment === undefined ? mod.POLICY_PATHS ?? [] : mod.policyFor!(environment).paths;

/** One proxy method of the app (corsform_conformance/cdk.py proxy_routes). */
interface ProxyRoute {
  readonly path: string;
  readonly httpMethod: string;
  readonly kind: "lambda" | "http";
  readonly backendPath: string;
  readonly pathParams: readonly string[];
  readonly authorizationType: string;
  readonly authorizer: "cognito" | "custom" | null;
}

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const routes: ProxyRoute[] = JSON.parse(process.env.CDK_PROXY_ROUTES ?? "[]");
// The policy's stage (CDK_STAGE), and the RestApiId output the conformance
// tier's deployer reads, as it does from corsform's CloudFormation template.
const api = new apigateway.RestApi(stack, "Api", {
  cloudWatchRole: false,
  deployOptions: { stageName: process.env.CDK_STAGE ?? "prod" },
});
new CfnOutput(stack, "RestApiId", { value: api.restApiId });

const arn = (name: string) =>
  stack.formatArn({ service: "lambda", resource: "function", resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
// An authorizer CDK creates must guard a method, so only the ones used.
const needed = new Set([
  ...POLICY_PATHS.flatMap((p) => p.mockMethods.map((m) => m.authorizer)),
  ...routes.map((r) => r.authorizer ?? undefined),
]);
const authorizers = {
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
};

// The app's own routes first, as a user's app has them before it applies CORS.
const backend = lambda.Function.fromFunctionArn(stack, "Backend", arn(process.env.CDK_FUNCTION_NAME ?? "backend"));
const backendUrl = process.env.CDK_BACKEND_URL ?? "https://backend.example.com";
for (const r of routes) {
  const params = (prefix: string) =>
    r.pathParams.length === 0 ? undefined : Object.fromEntries(r.pathParams.map((p) => [`${prefix}${p}`, true]));
  const integration =
    r.kind === "lambda"
      ? new apigateway.LambdaIntegration(backend)
      : new apigateway.HttpIntegration(`${backendUrl}${r.backendPath}`, {
          httpMethod: r.httpMethod,
          proxy: true,
          options: {
            requestParameters:
              r.pathParams.length === 0
                ? undefined
                : Object.fromEntries(
                    r.pathParams.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`]),
                  ),
          },
        });
  const authorizer = r.authorizer === null ? undefined : authorizers[r.authorizer];
  api.root.resourceForPath(r.path).addMethod(r.httpMethod, integration, {
    authorizationType: authorizer === undefined ? (r.authorizationType as apigateway.AuthorizationType) : undefined,
    authorizer,
    requestParameters: params("method.request.path."),
  });
}

mod.applyCorsPolicy(api, environment === undefined ? { authorizers } : { authorizers, environment });
app.synth();
