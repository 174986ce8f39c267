/**
 * A hostile proxy in front of the replica (replica.ts): it forwards every request to the stand-in and
 * lets a test rewrite the real answer before the client sees it: an out-of-range figure, a name with
 * control characters, a token echoed back, a gzip bomb, a truncated body. The replica's own `fault`
 * hook replaces answers; this one edits them, so everything the test did not touch stays as the
 * stand-in served it.
 *
 * GitHub REST is served under `githubPrefix` (default /api/v3, as the replica does; another prefix
 * models a server whose API lives elsewhere), GraphQL at /api/graphql, Stack Exchange under /se.
 */
import http from "node:http";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import type { Replica } from "./replica.js";

export interface HostileRequest {
  api: "github" | "graphql" | "stackexchange";
  method: string;
  /** Path and query after the API's prefix, e.g. "/repos/a/b", "/2.3/tags/x/info?site=...". */
  path: string;
  /** The request body ("" for a GET). */
  body: string;
}

export interface HostileAnswer {
  status: number;
  headers: Record<string, string>;
  /** The stand-in's body, decompressed. */
  text: string;
}

/** What a rewrite may change; `bytes` are sent as they are (with `headers` as given: a gzip bomb). */
export type Rewritten = Partial<HostileAnswer> & { bytes?: Buffer };

export interface HostileOptions {
  /** Called for every answer; undefined leaves it as it is. */
  rewrite?: (request: HostileRequest, answer: HostileAnswer) => Rewritten | undefined;
  /** Where the proxy serves GitHub REST. Default /api/v3. */
  githubPrefix?: string;
}

export interface HostileProxy {
  githubUrl: string;
  graphqlUrl: string;
  stackExchangeUrl: string;
  /** Every request the proxy forwarded. */
  seen: HostileRequest[];
  close(): Promise<void>;
}

/** A rewrite of JSON answers only: `edit` gets the parsed body and returns the new one (or undefined: unchanged). */
export function editJson(
  edit: (request: HostileRequest, body: unknown, answer: HostileAnswer) => unknown,
): NonNullable<HostileOptions["rewrite"]> {
  return (request, answer) => {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return undefined;
    }
    const edited = edit(request, body, answer);
    return edited === undefined ? undefined : { text: JSON.stringify(edited) };
  };
}

export async function startHostileProxy(replica: Replica, options: HostileOptions = {}): Promise<HostileProxy> {
  const prefix = (options.githubPrefix ?? "/api/v3").replace(/\/+$/, "");
  const seen: HostileRequest[] = [];
  const replicaOrigin = new URL(replica.githubUrl).origin;
  let origin = "";

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void forward(req, Buffer.concat(chunks).toString("utf8"))
        .then((out) => {
          res.writeHead(out.status, out.headers);
          res.end(out.payload);
        })
        .catch(() => res.destroy());
    });
  });

  async function forward(req: http.IncomingMessage, body: string): Promise<{ status: number; headers: Record<string, string>; payload: Buffer }> {
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    let api: HostileRequest["api"];
    let rest: string;
    let target: string;
    if (url.pathname === "/api/graphql") {
      api = "graphql";
      rest = "/graphql";
      target = replica.graphqlUrl;
    } else if (url.pathname.startsWith("/se/")) {
      api = "stackexchange";
      rest = url.pathname.slice("/se".length) + url.search;
      target = replica.stackExchangeUrl + rest;
    } else if (url.pathname.startsWith(prefix + "/")) {
      api = "github";
      rest = url.pathname.slice(prefix.length) + url.search;
      target = replica.githubUrl + rest;
    } else {
      return { status: 404, headers: { "content-type": "application/json" }, payload: Buffer.from(JSON.stringify({ message: "Not Found" })) };
    }
    const request: HostileRequest = { api, method: req.method ?? "GET", path: rest, body };
    seen.push(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection", "accept-encoding"].includes(name)) headers.set(name, value);
    }
    const response = await fetch(target, { method: request.method, headers, body: request.method === "GET" ? undefined : body, redirect: "manual" });
    const text = await response.text();
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"].includes(name)) answerHeaders[name] = value;
    });
    // Redirects point back at the proxy, not past it.
    if (answerHeaders.location) answerHeaders.location = answerHeaders.location.replace(`${replicaOrigin}/api/v3`, `${origin}${prefix}`);
    const gzipped = response.headers.get("content-encoding") === "gzip";
    const answer: HostileAnswer = { status: response.status, headers: answerHeaders, text };
    const changed = options.rewrite?.(request, answer);
    if (changed?.bytes) return { status: changed.status ?? answer.status, headers: changed.headers ?? answer.headers, payload: changed.bytes };
    const out: HostileAnswer = { ...answer, ...changed };
    // An ETag names a body: a changed body gets its own, as a server that sent it would give it.
    if (changed?.text !== undefined && changed.text !== answer.text && out.headers.etag) {
      out.headers = { ...out.headers, etag: `"${createHash("sha1").update(out.text).digest("hex").slice(0, 32)}"` };
    }
    const plain = Buffer.from(out.text, "utf8");
    if (!gzipped || out.status === 304) return { status: out.status, headers: out.headers, payload: out.status === 304 ? Buffer.alloc(0) : plain };
    return { status: out.status, headers: { ...out.headers, "content-encoding": "gzip" }, payload: gzipSync(plain) };
  }

  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    githubUrl: origin + prefix,
    graphqlUrl: `${origin}/api/graphql`,
    stackExchangeUrl: `${origin}/se`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
