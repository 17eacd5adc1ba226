// A CDK app around a REST golden's cors.ts (tests/conformance/test_cdk.py
// copies both into one folder): a RestApi, the policy's authorizers where its
// MOCK routes need them, applyCorsPolicy, and a synthesis into CDK_OUTDIR that
// needs no bootstrap and reports no analytics (LocalStack deploys it as is).
import { App, ArnFormat, BootstraplessSynthesizer, CfnOutput, Stack } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { applyCorsPolicy, CorsPolicyOptions, POLICY_PATHS } from "./cors";

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
// The policy's stage (CDK_STAGE), and the RestApiId output the conformance
// tier's deployer reads, as it does from corsform's CloudFormation template.
const api = new apigateway.RestApi(stack, "Api", {
  cloudWatchRole: false,
  deployOptions: { stageName: process.env.CDK_STAGE ?? "prod" },
});
new CfnOutput(stack, "RestApiId", { value: api.restApiId });

// An authorizer CDK creates must guard a method, so only the ones used.
const needed = new Set(POLICY_PATHS.flatMap((p) => p.mockMethods.map((m) => m.authorizer)));
const options: CorsPolicyOptions = {
  authorizers: {
    custom: needed.has("custom")
      ? new apigateway.TokenAuthorizer(stack, "Custom", {
          handler: lambda.Function.fromFunctionArn(
            stack,
            "AuthorizerFunction",
            stack.formatArn({
              service: "lambda",
              resource: "function",
              resourceName: "authorizer",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        })
      : undefined,
    cognito: needed.has("cognito")
      ? new apigateway.CognitoUserPoolsAuthorizer(stack, "Cognito", {
          cognitoUserPools: [cognito.UserPool.fromUserPoolId(stack, "Pool", "us-east-1_example")],
        })
      : undefined,
  },
};
applyCorsPolicy(api, options);
app.synth();
