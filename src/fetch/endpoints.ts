/** API base URLs, from the variables GitHub Actions sets (and GHES overrides), without a trailing slash. */
export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
}

/** GHES serves GraphQL at /api/graphql beside /api/v3; github.com at api.github.com/graphql. */
export function githubGraphqlUrl(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_GRAPHQL_URL) return env.GITHUB_GRAPHQL_URL.replace(/\/+$/, "");
  const api = githubApiUrl(env);
  return api.endsWith("/api/v3") ? `${api.slice(0, -"/v3".length)}/graphql` : `${api}/graphql`;
}

/** The client appends /2.3/... itself. */
export function stackExchangeApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.STACKEXCHANGE_API_URL || "https://api.stackexchange.com").replace(/\/+$/, "");
}
