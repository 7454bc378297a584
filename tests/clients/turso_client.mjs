// Exercise the official Turso client (@tursodatabase/api) against a base URL; print one JSON line per step.
// Usage: node turso_client.mjs <node_modules dir> <base url ending in /v1/> <org> <token> <member> <new user>
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [modules, baseUrl, org, token, member, newcomer] = process.argv.slice(2);
const entry = createRequire(pathToFileURL(modules + "/").href).resolve("@tursodatabase/api");
const { createClient } = await import(pathToFileURL(entry).href);

async function step(name, call) {
  try {
    console.log(JSON.stringify({ step: name, ok: true, value: await call() }));
  } catch (error) {
    console.log(JSON.stringify({ step: name, ok: false, name: error.name, status: error.status, message: error.message }));
  }
}

const client = createClient({ org, token, baseUrl });
await step("members", () => client.organizations.members());
await step("remove", () => client.organizations.removeMember(member));
await step("members after remove", () => client.organizations.members());
await step("remove again", () => client.organizations.removeMember(member));
await step("add", () => client.organizations.addMember(newcomer, "member"));
await step("members after add", () => client.organizations.members());
const stranger = createClient({ org, token: "probe__not-a-token", baseUrl });
await step("bad token", () => stranger.organizations.removeMember(member));
await step("bad token members", () => stranger.organizations.members());
