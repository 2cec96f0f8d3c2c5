// Checks the service's OpenAPI document with tools nobody on the project wrote, and live responses against it.
//   node check-contract.mjs <openapi.json> [exchanges.json]
// 1. The OpenAPI 3.1 schema validator (@seriousme/openapi-schema-validator): is it a valid OpenAPI document?
// 2. Redocly's linter with its recommended rules (redocly.yaml beside this file).
// 3. Each exchange { method, path, status, headers, body } recorded by a test: is its status documented for the
//    operation, its media type among the response's, its body valid against the schema (Ajv, JSON Schema 2020-12),
//    and each required header present and valid?
// Prints every finding and exits 1 when there is one.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const here = dirname(fileURLToPath(import.meta.url));
const [documentPath, exchangesPath] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const findings = [];

const validity = await new Validator().validate(structuredClone(document));
if (!validity.valid) {
  findings.push(`OpenAPI 3.1 schema: ${JSON.stringify(validity.errors, null, 2)}`);
}

const lint = spawnSync(process.execPath,
  [join(here, "node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", "--config", join(here, "redocly.yaml"),
    "--max-problems", "100", documentPath],
  {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
// A warning is a finding too: the document is to pass the recommended rules cleanly.
if (lint.status !== 0 || /You have \d+ warnings?/.test(lint.stdout + lint.stderr)) {
  findings.push(`Redocly lint (exit ${lint.status ?? lint.signal}):\n${lint.stdout}${lint.stderr}`);
}

if (exchangesPath) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  const compiled = new Map();
  const validatorAt = (pointer) => {
    if (!compiled.has(pointer)) {
      compiled.set(pointer, ajv.compile({ $ref: `openapi.json#${pointer}` }));
    }
    return compiled.get(pointer);
  };
  const token = (segment) => encodeURIComponent(String(segment).replaceAll("~", "~0").replaceAll("/", "~1"));
  const routes = Object.keys(document.paths ?? {}).map((route) => ({
    route,
    pattern: new RegExp(`^${route.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));

  for (const exchange of JSON.parse(readFileSync(exchangesPath, "utf8"))) {
    const label = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    const path = exchange.path.split("?")[0];
    const match = routes.find((t) => t.pattern.test(path));
    const method = exchange.method.toLowerCase();
    const operation = match && document.paths[match.route][method];
    if (!operation) {
      findings.push(`${label}: no operation in the document`);
      continue;
    }

    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, "default"].find((k) => operation.responses?.[k]);
    if (!key) {
      const documented = Object.keys(operation.responses ?? {}).join(", ");
      findings.push(`${label}: status not documented (documented: ${documented})`);
      continue;
    }

    const response = operation.responses[key];
    const at = `/paths/${token(match.route)}/${method}/responses/${token(key)}`;
    const headers = Object.fromEntries(Object.entries(exchange.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) findings.push(`${label}: required header ${name} missing`);
        continue;
      }
      if (header.schema) {
        const validate = validatorAt(`${at}/headers/${token(name)}/schema`);
        if (!validate(value)) findings.push(`${label}: header ${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }

    const mediaType = (headers["content-type"] ?? "").split(";")[0].trim();
    if (!response.content) {
      if (exchange.body) findings.push(`${label}: a body came back, the document says none`);
      continue;
    }
    if (!response.content[mediaType]) {
      findings.push(`${label}: media type '${mediaType}' not documented (${Object.keys(response.content).join(", ")})`);
      continue;
    }
    if (!response.content[mediaType].schema) continue;
    let body;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      findings.push(`${label}: the body is not JSON: ${String(exchange.body).slice(0, 200)}`);
      continue;
    }
    const validate = validatorAt(`${at}/content/${token(mediaType)}/schema`);
    if (!validate(body)) {
      const sample = exchange.body.slice(0, 500);
      findings.push(`${label}: body does not match the schema: ${ajv.errorsText(validate.errors)}\n  ${sample}`);
    }
  }
}

for (const finding of findings) console.log(finding);
console.log(findings.length === 0 ? "contract: no findings" : `contract: ${findings.length} finding(s)`);
process.exit(findings.length === 0 ? 0 : 1);
