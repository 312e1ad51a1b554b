import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Counts the statements run through a Kysely instance it is plugged into (`db.withPlugin(counter)`), or only those
 * of one kind such as `SelectQueryNode`, for tests of how many reads a function makes. Raw SQL counts as `RawNode`.
 */
export class StatementCounter implements KyselyPlugin {
  count = 0;

  constructor(private readonly kind?: OperationNode['kind']) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.kind === undefined || args.node.kind === this.kind) this.count++;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
