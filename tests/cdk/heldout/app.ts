// Held-out CDK apps (tests/conformance/test_cdk.py, "held-out"): apps written
// the way users write them, not around the module's exported data, using the
// modules of two held-out policies (library.toml as ./library, tickets.toml
// with [environments] as ./tickets). CDK_SCENARIO picks one:
// - subtree: the RestApi inside a Construct subtree, defaultMethodOptions with
//   a Cognito authorizer, the app's own resources (addResource, a greedy
//   addProxy) and methods before applyCorsPolicy; deployed and probed;
// - tickets-deployment: tickets' environment CDK_ENVIRONMENT on a RestApi
//   with deploy: false and an explicit Deployment and Stage; deployed, probed;
// - two-apis: two RestApis in one stack, each with the policy;
// - nested: the API in a NestedStack;
// - lambda-rest-api: a LambdaRestApi with proxy: false;
// - own-methods: the app's own non-proxy methods on the policy's paths (MOCK
//   ones, one with its own response template and method response, one with
//   neither, one on a path where the policy has its own MOCK route; an HTTP
//   integration without proxy to CDK_OWN_BACKEND_URL, with a 404 selection
//   pattern) beside proxy ones, before applyCorsPolicy; deployed, probed;
// and these must fail the synthesis with a message that says what to do:
// - lambda-proxy: a proxying LambdaRestApi (every path goes to the function);
// - twice: applyCorsPolicy called twice on one API;
// - default-cors: a RestApi with defaultCorsPreflightOptions;
// - spec: a SpecRestApi (its OpenAPI document defines the paths).
import { App, ArnFormat, BootstraplessSynthesizer, CfnOutput, NestedStack, Stack } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import * as library from "./library";
import * as tickets from "./tickets";

const app = new App({ outdir: process.env.CDK_OUTDIR, analyticsReporting: false });
const scenario = process.env.CDK_SCENARIO;
// A nested stack's template is an asset, which the bootstrapless synthesizer
// cannot hold: that scenario synthesizes with the default one (not deployed).
const stack = new Stack(app, "Cors", {
  synthesizer: scenario === "nested" ? undefined : new BootstraplessSynthesizer(),
  analyticsReporting: false,
});
const backendUrl = process.env.CDK_BACKEND_URL ?? "https://backend.example.com";

function functionNamed(scope: Construct, id: string, name: string): lambda.IFunction {
  const arn = Stack.of(scope).formatArn({
    service: "lambda",
    resource: "function",
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return lambda.Function.fromFunctionArn(scope, id, arn);
}

/** The library's own routes, as a team writes them before adding CORS. */
function libraryRoutes(scope: Construct, api: apigateway.RestApi, pool: apigateway.IAuthorizer): void {
  const handler = functionNamed(scope, "Handler", process.env.CDK_FUNCTION_NAME ?? "books");
  const books = api.root.addResource("books");
  books.addMethod("GET", new apigateway.LambdaIntegration(handler), { authorizationType: apigateway.AuthorizationType.NONE });
  books.addMethod("POST", new apigateway.LambdaIntegration(handler), { authorizer: pool });
  const book = books.addResource("{isbn}");
  for (const method of ["GET", "PUT", "DELETE"]) {
    book.addMethod(method, new apigateway.LambdaIntegration(handler), {
      authorizationType: apigateway.AuthorizationType.NONE,
    });
  }
  const search = api.root.addResource("search").addProxy({ anyMethod: false });
  search.addMethod(
    "GET",
    new apigateway.HttpIntegration(`${backendUrl}/search/{proxy}`, {
      httpMethod: "GET",
      proxy: true,
      options: { requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" } },
    }),
    { authorizationType: apigateway.AuthorizationType.NONE, requestParameters: { "method.request.path.proxy": true } },
  );
}

function cognitoAuthorizer(scope: Construct): apigateway.CognitoUserPoolsAuthorizer {
  return new apigateway.CognitoUserPoolsAuthorizer(scope, "Cognito", {
    cognitoUserPools: [cognito.UserPool.fromUserPoolId(scope, "Pool", "us-east-1_example")],
  });
}

/** A service construct that owns its API, as a team's app structures it. */
class LibraryService extends Construct {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const pool = cognitoAuthorizer(this);
    this.api = new apigateway.RestApi(this, "Http", {
      restApiName: "library",
      cloudWatchRole: false,
      deployOptions: { stageName: "v1" },
      // Every method the team adds is behind Cognito unless it says otherwise.
      defaultMethodOptions: { authorizer: pool, authorizationType: apigateway.AuthorizationType.COGNITO },
    });
    libraryRoutes(this, this.api, pool);
    library.applyCorsPolicy(this.api, { authorizers: { cognito: pool } });
  }
}

/** The library with the app's own non-proxy methods (own-methods). */
function libraryWithOwnMethods(scope: Construct): apigateway.RestApi {
  const pool = cognitoAuthorizer(scope);
  const api = new apigateway.RestApi(scope, "Library", {
    restApiName: "library",
    cloudWatchRole: false,
    deployOptions: { stageName: "v1" },
  });
  const handler = functionNamed(scope, "Handler", process.env.CDK_FUNCTION_NAME ?? "books");
  const mockRequest = { "application/json": '{"statusCode": 200}' };
  // The policy routes GET /books to a function; this team answers it from a
  // MOCK with a body of its own and a method response for its status.
  const books = api.root.addResource("books");
  books.addMethod(
    "GET",
    new apigateway.MockIntegration({
      requestTemplates: mockRequest,
      integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": '{"books": []}' } }],
    }),
    { methodResponses: [{ statusCode: "200" }] },
  );
  books.addMethod("POST", new apigateway.LambdaIntegration(handler), { authorizer: pool });
  // An HTTP integration without proxy: API Gateway maps its responses.
  const book = books.addResource("{isbn}");
  book.addMethod(
    "GET",
    new apigateway.HttpIntegration(process.env.CDK_OWN_BACKEND_URL ?? `${backendUrl}/books`, {
      httpMethod: "GET",
      proxy: false,
      options: {
        integrationResponses: [{ statusCode: "200" }, { statusCode: "404", selectionPattern: "404" }],
      },
    }),
    { methodResponses: [{ statusCode: "200", responseModels: { "application/json": apigateway.Model.EMPTY_MODEL } }] },
  );
  for (const method of ["PUT", "DELETE"]) {
    book.addMethod(method, new apigateway.LambdaIntegration(handler));
  }
  api.root.addResource("search").addProxy({ anyMethod: false }).addMethod(
    "GET",
    new apigateway.HttpIntegration(`${backendUrl}/search/{proxy}`, {
      httpMethod: "GET",
      proxy: true,
      options: { requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" } },
    }),
    { requestParameters: { "method.request.path.proxy": true } },
  );
  // The policy's own MOCK route GET /ping, which the app already has: no
  // response template and no method response of its own.
  api.root.addResource("ping").addMethod(
    "GET",
    new apigateway.MockIntegration({ requestTemplates: mockRequest, integrationResponses: [{ statusCode: "200" }] }),
  );
  library.applyCorsPolicy(api, { authorizers: { cognito: pool } });
  return api;
}

/** A bare library API with the policy applied (the scenarios without deployment). */
function plainLibrary(scope: Construct, id: string): apigateway.RestApi {
  const api = new apigateway.RestApi(scope, id, { cloudWatchRole: false, deployOptions: { stageName: "v1" } });
  library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(api) } });
  return api;
}

switch (scenario) {
  case "subtree": {
    const service = new LibraryService(new Construct(stack, "Services"), "Library");
    new CfnOutput(stack, "RestApiId", { value: service.api.restApiId });
    break;
  }
  case "tickets-deployment": {
    const environment = process.env.CDK_ENVIRONMENT as tickets.Environment;
    const api = new apigateway.RestApi(stack, "Tickets", { deploy: false, cloudWatchRole: false });
    const handler = functionNamed(stack, "Handler", process.env.CDK_FUNCTION_NAME ?? "tickets");
    const list = api.root.addResource("tickets");
    list.addMethod("GET", new apigateway.LambdaIntegration(handler));
    list.addMethod("POST", new apigateway.LambdaIntegration(handler));
    const one = list.addResource("{id}");
    one.addMethod("GET", new apigateway.LambdaIntegration(handler));
    one.addMethod("PATCH", new apigateway.LambdaIntegration(handler));
    // The team's own deployment, made before the CORS is applied.
    const deployment = new apigateway.Deployment(stack, "Deployment", { api });
    new apigateway.Stage(stack, "Stage", { deployment, stageName: tickets.policyFor(environment).stage });
    tickets.applyCorsPolicy(api, { environment });
    new CfnOutput(stack, "RestApiId", { value: api.restApiId });
    break;
  }
  case "own-methods": {
    const api = libraryWithOwnMethods(stack);
    new CfnOutput(stack, "RestApiId", { value: api.restApiId });
    break;
  }
  case "two-apis":
    plainLibrary(stack, "Public");
    plainLibrary(stack, "Internal");
    break;
  case "nested":
    plainLibrary(new NestedStack(stack, "Nested"), "Library");
    break;
  case "lambda-rest-api": {
    const api = new apigateway.LambdaRestApi(stack, "Library", {
      handler: functionNamed(stack, "Handler", "books"),
      proxy: false,
      cloudWatchRole: false,
      deployOptions: { stageName: "v1" },
    });
    api.root.addResource("books").addMethod("GET");
    library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(api) } });
    break;
  }
  case "lambda-proxy": {
    const api = new apigateway.LambdaRestApi(stack, "Library", {
      handler: functionNamed(stack, "Handler", "books"),
      cloudWatchRole: false,
    });
    library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(api) } });
    break;
  }
  case "twice": {
    const api = plainLibrary(stack, "Library");
    library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(stack) } });
    break;
  }
  case "default-cors": {
    const api = new apigateway.RestApi(stack, "Library", {
      cloudWatchRole: false,
      defaultCorsPreflightOptions: { allowOrigins: ["https://books.example.org"] },
    });
    api.root.addResource("books").addMethod("GET");
    library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(api) } });
    break;
  }
  case "spec": {
    const api = new apigateway.SpecRestApi(stack, "Library", {
      cloudWatchRole: false,
      apiDefinition: apigateway.ApiDefinition.fromInline({
        openapi: "3.0.1",
        info: { title: "library", version: "1" },
        paths: { "/books": { get: { "x-amazon-apigateway-integration": { type: "mock" } } } },
      }),
    });
    library.applyCorsPolicy(api, { authorizers: { cognito: cognitoAuthorizer(api) } });
    break;
  }
  default:
    throw new Error(`unknown CDK_SCENARIO ${JSON.stringify(scenario)}`);
}
app.synth();
