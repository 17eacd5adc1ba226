const ORIGIN = "https://portal.example.com";

export const main = async (event) => {
  const body = JSON.parse(event.body ?? "{}");
  return {
    statusCode: 200,
    headers: {
      "content-type": "application/json",
      "access-control-allow-origin": ORIGIN,
      "access-control-allow-credentials": "true",
    },
    body: JSON.stringify({ key: `uploads/${body.name}` }),
  };
};
