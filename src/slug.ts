// Shapes shared by the config and snapshot schemas. GitHub's own rules: owner is alphanumeric with
// single hyphens (<= 39 chars); a repository name is [A-Za-z0-9._-]+ and never "." or "..".
export const SLUG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
// Stack Overflow tags: lowercase letters, digits and + # . - (e.g. c++, c#, .net, apache-mxnet), <= 35 chars.
export const SO_TAG = /^[a-z0-9+#.-]{1,35}$/;
