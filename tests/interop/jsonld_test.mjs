// Validates Disan's JSON-LD with a real JSON-LD processor (the `jsonld` npm package).
// Usage: node tests/interop/jsonld_test.mjs CASES.json
// CASES.json (written by tests/interop/jsonld_http_test.cc from real HTTP answers):
//   [{"name": "...", "document": {...}, "expect": [[s, p, o], ...], "absent": [[s, p, o], ...]}]
// Terms are written as in N-Triples (<iri>, "text"@vi, "1"^^<xsd iri>); "*" matches any term.
// Each document must expand and convert to RDF in safe mode (every term maps to an IRI, nothing
// is dropped) without loading anything remote, and hold every expected triple and none of the
// absent ones. Exits 1 naming each failure.
import fs from 'node:fs';
import jsonld from 'jsonld';

const offline = async (url) => {
  throw new Error(`remote document requested: ${url} (the context must be inline)`);
};

function parseQuads(nquads) {
  const out = [];
  for (const line of nquads.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\S+) (\S+) (.*) \.$/.exec(line);
    if (!m) throw new Error(`unreadable N-Quads line: ${line}`);
    out.push([m[1], m[2], m[3]]);
  }
  return out;
}

const matches = (quad, want) => want.every((term, i) => term === '*' || term === quad[i]);

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failures = 0;
for (const c of cases) {
  try {
    const options = { documentLoader: offline, safe: true };
    const expanded = await jsonld.expand(c.document, options);
    if (!Array.isArray(expanded) || expanded.length === 0) throw new Error('expanded to nothing');
    const quads = parseQuads(await jsonld.toRDF(c.document, { ...options, format: 'application/n-quads' }));
    for (const want of c.expect ?? []) {
      if (!quads.some((q) => matches(q, want))) {
        failures++;
        console.error(`${c.name}: missing triple ${want.join(' ')}`);
      }
    }
    for (const unwanted of c.absent ?? []) {
      if (quads.some((q) => matches(q, unwanted))) {
        failures++;
        console.error(`${c.name}: unexpected triple ${unwanted.join(' ')}`);
      }
    }
    console.log(`${c.name}: ${quads.length} triples`);
  } catch (e) {
    failures++;
    console.error(`${c.name}: ${e.message ?? e}`);
  }
}
if (cases.length === 0) {
  console.error('no cases');
  failures++;
}
process.exit(failures ? 1 : 0);
