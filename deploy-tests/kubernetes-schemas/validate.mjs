// Validates Kubernetes manifests (a multi-document YAML stream on stdin, as `kubectl kustomize` writes it) against
// the Kubernetes API's JSON schemas as the kubernetes-models package compiles them, offline. Strimzi's KafkaTopic,
// a custom resource those schemas lack, is checked against kafkatopic-v1.schema.json (written from Strimzi's
// KafkaTopic v1 reference). Prints one line per resource; exits 1 if any is invalid or has no schema.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const customSchemas = {
  "kafka.strimzi.io/v1/KafkaTopic": JSON.parse(readFileSync(new URL("./kafkatopic-v1.schema.json", import.meta.url))),
};
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  try {
    const module = await import(`kubernetes-models/${group ? `${group}/` : ""}${version}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

async function problemsOf(resource) {
  const key = `${resource.apiVersion}/${resource.kind}`;
  if (customSchemas[key]) {
    const validate = ajv.compile(customSchemas[key]);
    return validate(resource) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
  }
  const Model = await modelOf(resource.apiVersion, resource.kind);
  if (!Model) {
    return [`no schema for ${key}`];
  }
  try {
    new Model(resource).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

const documents = parseAllDocuments(readFileSync(0, "utf8"));
let invalid = 0;
let count = 0;
for (const document of documents) {
  if (document.errors.length > 0) {
    console.log(`INVALID YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    invalid++;
    continue;
  }
  const resource = document.toJS();
  if (resource === null) {
    continue;
  }
  count++;
  const name = `${resource.kind}/${resource.metadata?.name}`;
  const problems = await problemsOf(resource);
  if (problems.length > 0) {
    invalid++;
    console.log(`INVALID ${name}: ${problems.join("; ")}`);
  } else {
    console.log(`valid ${resource.apiVersion} ${name}`);
  }
}
console.log(`${count} resources, ${invalid} invalid`);
process.exit(invalid > 0 || count === 0 ? 1 : 0);
