// Query strings for the generic API methods (ApiClient.getJson / getBytes / href).
//
// Arrays are sent as repeated keys (`runs=a&runs=b`, so names may hold commas), booleans as
// "true"/"false", null and undefined are left out, and keys keep the order given.

export type QueryValue = string | number | boolean;
export type QueryParams = Readonly<Record<string, QueryValue | readonly QueryValue[] | null | undefined>>;

export function encodeQuery(params: QueryParams = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const values: readonly QueryValue[] = Array.isArray(value) ? value : [value as QueryValue];
    for (const item of values) query.append(name, String(item));
  }
  return query;
}

/** `path` (relative to the board, e.g. "api/images") with `params` appended. */
export function pathWithQuery(path: string, params: QueryParams = {}): string {
  const clean = path.replace(/^\/+/, "");
  const query = encodeQuery(params).toString();
  return query ? `${clean}${clean.includes("?") ? "&" : "?"}${query}` : clean;
}
