import json

ALLOWED = "https://www.example.com"


def handler(event, context):
    return {
        "statusCode": 201,
        "headers": {
            "Access-Control-Allow-Origin": ALLOWED,
            "Access-Control-Allow-Credentials": "true",
            "Content-Type": "application/json",
        },
        "body": json.dumps({"saved": True}),
    }
