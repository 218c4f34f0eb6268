// Equality filters for list queries: the columns a caller set become `col = @col` conditions, all bound.

/** A `WHERE ...` clause (empty when nothing is set) and its named parameters. */
export function whereEquals(filters: Record<string, string | number | undefined>): {
  where: string;
  params: Record<string, string | number>;
} {
  const set = Object.entries(filters).filter((e): e is [string, string | number] => e[1] !== undefined);
  return {
    where: set.length ? `WHERE ${set.map(([col]) => `${col} = @${col}`).join(' AND ')}` : '',
    params: Object.fromEntries(set),
  };
}
