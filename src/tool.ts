import { readFileSync } from "node:fs";

// Read once at start-up: the snapshot records which version of the tool wrote it.
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };
export const TOOL = { name: pkg.name, version: pkg.version };
