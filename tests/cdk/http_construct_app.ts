// A CDK app around a whole-API HTTP golden's cors.ts (scope = "api"): its
// CorsHttpApi construct with every backend prop set (one imported function,
// one URL), the authorizers its routes need, and a synthesis into CDK_OUTDIR
// that needs no bootstrap and reports no analytics. The props are built from
// the module's exported data, so one app serves every case.
import { App, ArnFormat, BootstraplessSynthesizer, Stack } from "aws-cdk-lib";
import * as authorizers from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { BACKENDS, CorsHttpApi, CorsHttpApiProps, ROUTES } from "./cors";

const BACKEND_URL = "https://backend.example.com";

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const stack = new Stack(app, "Cors", {
  synthesizer: new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const arn = (name: string) =>
  stack.formatArn({ service: "lambda", resource: "function", resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
const fn = lambda.Function.fromFunctionArn(stack, "Backend", arn("backend"));
const needed = new Set(ROUTES.map((r) => r.authorizer));
const props = {
  // With [environments] (CDK_ENVIRONMENT); undefined, and unread, without.
  environment: process.env.CDK_ENVIRONMENT,
  lambdaFunction: fn,
  backendUrl: BACKEND_URL,
  backends: Object.fromEntries(BACKENDS.map((b) => [b.name, b.isLambda ? fn : BACKEND_URL])),
  authorizers: {
    jwt: needed.has("jwt")
      ? new authorizers.HttpJwtAuthorizer("Jwt", "https://issuer.example.com", { jwtAudience: ["api"] })
      : undefined,
    custom: needed.has("custom")
      ? new authorizers.HttpLambdaAuthorizer(
          "Custom",
          lambda.Function.fromFunctionArn(stack, "AuthorizerFunction", arn("authorizer")),
          { responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE] },
        )
      : undefined,
  },
};
// The props type differs per policy (one prop per backend); this app sets them all.
new CorsHttpApi(stack, "Api", props as unknown as CorsHttpApiProps);
app.synth();
