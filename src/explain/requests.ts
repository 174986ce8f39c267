import { issuesQuery, labelledQuery, mergedQuery, repositoryQueryAsOf } from "../fetch/github.js";
import { RELEASES_PAGE } from "../fetch/releases.js";
import { landingRule } from "../config/landing.js";
import type { ProjectFacts, RawField } from "../snapshot/schema.js";
import type { GitHubApi } from "../fetch/types.js";

/**
 * Where each raw figure of a snapshot comes from: the API request the collector (src/fetch) sends for
 * it, rebuilt from the project's recorded sources and the snapshot's asOf and window (the merged
 * pull request query is the collector's own mergedQuery), through the API the snapshot was collected
 * with (REST, or GraphQL when it counted GraphQL requests). Keep in step with src/collect.ts and
 * src/fetch when they change what they ask.
 */
export interface FigureSource {
  field: RawField;
  /** e.g. "GET /repos/pytorch/pytorch". */
  request: string;
  /** Which part of the response it is. */
  detail: string;
}

/** An ISO instant without milliseconds, as sent in queries: 2018-03-22T00:00:00Z. */
export function isoSeconds(instant: string | number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The merged-pull-request window: (asOf − windowDays, asOf]. */
export function mergeWindow(asOf: string, windowDays: number): { since: string; until: string } {
  return { since: isoSeconds(Date.parse(asOf) - windowDays * 86_400_000), until: isoSeconds(asOf) };
}

/** Which GitHub API a snapshot was collected through: GraphQL when it counted GraphQL requests. */
export function apiOf(requests: { githubGraphql?: number }): GitHubApi {
  return (requests.githubGraphql ?? 0) > 0 ? "graphql" : "rest";
}

/** A field of the batched query, as GraphQL writes it, for one repository (asked with the cohort's others, up to 50 groups a POST). */
function graphqlRepo(repo: string, fields: string): string {
  const [owner, name] = repo.split("/");
  return `POST /graphql repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { ${fields} }`;
}

function repositoryFigures(repo: string, asOf: string, windowDays: number, prefix: "" | "numerics", api: GitHubApi, landing?: ProjectFacts["sources"]["landing"]): FigureSource[] {
  const { since, until } = mergeWindow(asOf, windowDays);
  const key = (name: string) => (prefix === "" ? name : `numerics${name[0]!.toUpperCase()}${name.slice(1)}`) as RawField;
  const rule = landingRule(landing);
  const after = isoSeconds(Date.parse(since) + 1000);
  const commits: FigureSource =
    api === "graphql"
      ? { field: key("commits"), request: graphqlRepo(repo, `defaultBranchRef { target { ... on Commit { history(since: "${after}", until: "${until}") { totalCount } } } }`), detail: `totalCount (commits in the ${windowDays}-day window ending at asOf)` }
      : { field: key("commits"), request: `GET /repos/${repo}/commits?sha=<default branch>&since=${after}&until=${until}&per_page=1`, detail: `the Link header's last page (one commit a page: commits in the ${windowDays}-day window ending at asOf)` };
  const landed = (detail: string) =>
    rule.kind === "none"
      ? "not applicable (landing: none, a mirror)"
      : rule.kind === "label"
        ? `${detail}, plus the same count of ${api === "graphql" ? "search" : "GET /search/issues"} ${JSON.stringify(labelledQuery(repo, since, until, rule.label!, rule.base))} (landing: label ${rule.label})`
        : detail;
  if (api === "graphql") {
    return [
      {
        field: key("lastCommitAt"),
        request: graphqlRepo(repo, `defaultBranchRef { target { ... on Commit { history(first: 1, until: "${until}") } } }`),
        detail: "committedDate of the newest commit (none when defaultBranchRef is null: an empty repository)",
      },
      {
        field: key("mergedPullRequests"),
        request: `POST /graphql search(type: ISSUE, query: ${JSON.stringify(mergedQuery(repo, since, until, rule.base))}, first: 0)`,
        detail: landed(`issueCount (merged in the ${windowDays}-day window ending at asOf)`),
      },
      commits,
    ];
  }
  return [
    {
      field: key("lastCommitAt"),
      request: `GET /repos/${repo}/commits?sha=<default branch>&per_page=1`,
      detail: `committer date of the newest commit (asked again with &until=${until} when that one is after asOf)`,
    },
    {
      field: key("mergedPullRequests"),
      request: `GET /search/issues?q=${mergedQuery(repo, since, until, rule.base).replace(/ /g, "+")}`,
      detail: landed(`total_count (merged in the ${windowDays}-day window ending at asOf)`),
    },
    commits,
  ];
}

/** The figures a rubric asks for only when it reads them (collect.ts REPO_SIGNALS and ISSUE_FIGURES). */
function signalSources(repo: string, asOf: string, windowDays: number, api: GitHubApi): FigureSource[] {
  const { since, until } = mergeWindow(asOf, windowDays);
  const window = `the ${windowDays}-day window ending at asOf`;
  const releases =
    api === "graphql"
      ? graphqlRepo(repo, `releases(first: ${RELEASES_PAGE}, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { publishedAt } }`)
      : `GET /repos/${repo}/releases?per_page=${RELEASES_PAGE}`;
  const search = (q: string) => (api === "graphql" ? `POST /graphql search(type: ISSUE, query: ${JSON.stringify(q)}, first: 0)` : `GET /search/issues?q=${q.replace(/ /g, "+")}`);
  const count = api === "graphql" ? "issueCount" : "total_count";
  return [
    { field: "createdAt", request: api === "graphql" ? graphqlRepo(repo, "createdAt") : `GET /repos/${repo}`, detail: api === "graphql" ? "createdAt" : "created_at" },
    api === "graphql"
      ? { field: "openPullRequests", request: graphqlRepo(repo, "pullRequests(states: OPEN) { totalCount }"), detail: "totalCount, as of the run" }
      : { field: "openPullRequests", request: `GET /repos/${repo}/pulls?state=open&per_page=1`, detail: `the Link header's last page (one a page), as of the run` },
    { field: "contributors", request: `GET /repos/${repo}/contributors?anon=true&per_page=1`, detail: "the Link header's last page (one a page; anonymous contributors included), as of the run; GraphQL has no such field" },
    { field: "releases", request: releases, detail: `releases published in ${window}, among the newest ${RELEASES_PAGE}` },
    { field: "latestReleaseAt", request: releases, detail: `the newest publishedAt at or before asOf, among the newest ${RELEASES_PAGE}` },
    {
      field: "tags",
      request: api === "graphql" ? graphqlRepo(repo, `refs(refPrefix: "refs/tags/", first: ${RELEASES_PAGE}, orderBy: { field: TAG_COMMIT_DATE, direction: DESC })`) : "none: REST lists tags without dates",
      detail: `tags dated in ${window} (an annotated tag by its tagger's date, else its commit's), among the newest ${RELEASES_PAGE} by commit date`,
    },
    { field: "issuesOpened", request: search(issuesQuery(repo, "created", since, until)), detail: `${count} (issues opened in ${window})` },
    { field: "issuesClosed", request: search(issuesQuery(repo, "closed", since, until)), detail: `${count} (issues closed in ${window})` },
  ];
}

/** The source of every raw figure the project's snapshot has, in the snapshot's field order. */
export function figureSources(project: ProjectFacts, asOf: string, windowDays: number, api: GitHubApi = "rest"): FigureSource[] {
  const { repository, stackOverflowTags, repositoryQuery, numericsRepository, landing } = project.sources;
  // A snapshot with `commits` was collected asking every figure as of asOf (issue 17); older ones asked
  // the repository search and the tags' counts as they were on the day of the run.
  const asOfMethod = "commits" in project.raw;
  const query = repositoryQuery === undefined ? "" : asOfMethod ? repositoryQueryAsOf(repositoryQuery, asOf) : repositoryQuery;
  const created = asOfMethod ? ", created by asOf" : "";
  const repo = api === "graphql" ? graphqlRepo(repository, "stargazerCount forkCount issues(states: OPEN) pullRequests(states: OPEN) isArchived") : `GET /repos/${repository}`;
  const details =
    api === "graphql"
      ? { stars: "stargazerCount", forks: "forkCount", openIssues: "issues.totalCount + pullRequests.totalCount (open)", archived: "isArchived" }
      : { stars: "stargazers_count", forks: "forks_count", openIssues: "open_issues_count (issues plus pull requests)", archived: "archived" };
  const sources: FigureSource[] = [
    ...repositoryFigures(repository, asOf, windowDays, "", api, landing),
    api === "graphql"
      ? { field: "repositoryCount", request: `POST /graphql search(type: REPOSITORY, query: ${JSON.stringify(query)}, first: 0)`, detail: `repositoryCount (repositories matching the query${created})` }
      : { field: "repositoryCount", request: `GET /search/repositories?q=${query.replace(/ /g, "+")}`, detail: `total_count (repositories matching the query${created})` },
    asOfMethod
      ? {
          field: "stackOverflowQuestions",
          request: `GET /2.3/search/advanced?site=stackoverflow&tagged=${[...new Set(stackOverflowTags)].sort().map(encodeURIComponent).join(";")}&todate=${Math.floor(Date.parse(asOf) / 1000)}&filter=total`,
          detail: `total (questions carrying ${stackOverflowTags.length === 1 ? "the tag" : "any of the tags, each once"}, created by asOf)`,
        }
      : {
          field: "stackOverflowQuestions",
          request: `GET /2.3/tags/${stackOverflowTags.map(encodeURIComponent).join(";")}/info?site=stackoverflow`,
          detail: `${stackOverflowTags.length === 1 ? "count" : "sum of the tags' count"} (asked with the cohort's other tags, 100 a request; a tag that does not exist counts 0)`,
        },
    { field: "stars", request: repo, detail: details.stars },
    { field: "forks", request: repo, detail: details.forks },
    { field: "openIssues", request: repo, detail: details.openIssues },
    { field: "archived", request: repo, detail: details.archived },
    ...signalSources(repository, asOf, windowDays, api),
  ];
  if (numericsRepository !== undefined) sources.push(...repositoryFigures(numericsRepository, asOf, windowDays, "numerics", api));
  return sources.filter((s) => s.field in project.raw);
}
