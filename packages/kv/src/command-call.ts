// Commands as data. Both adapters receive a `CommandCall` ({ name, args }) instead of implementing
// twenty methods twice (once direct, once batched): the store methods and the batch builder are generated
// here from one list of names, and each adapter only has to execute calls.
import { checkCall } from './argument-checks.ts';
import type { AsyncCommands, KeyValueBatch, KeyValueCommands } from './port.ts';

export type CommandName = keyof KeyValueCommands;
export type CommandArgs<K extends CommandName> = Parameters<KeyValueCommands[K]>;
export type CommandResult<K extends CommandName> = ReturnType<KeyValueCommands[K]>;

/** One command with its arguments; a discriminated union, so `switch (call.name)` narrows `args`. */
export type CommandCall = { [K in CommandName]: { name: K; args: CommandArgs<K> } }[CommandName];

// A Record over every name: adding a command to the port without listing it here is a compile error.
const commandNames: Record<CommandName, true> = {
  get: true,
  mget: true,
  set: true,
  del: true,
  expire: true,
  ttl: true,
  incrBy: true,
  hget: true,
  hset: true,
  hgetall: true,
  hdel: true,
  hincrBy: true,
  zadd: true,
  zrem: true,
  zcard: true,
  zscore: true,
  zrange: true,
  zrangeByScore: true,
  zrangeByLex: true,
  zremRangeByRank: true,
  ztrim: true,
};

export const COMMAND_NAMES = Object.keys(commandNames) as CommandName[];

function toCall(name: CommandName, args: unknown[]): CommandCall {
  const call = { name, args } as CommandCall;
  checkCall(call);
  return call;
}

/** The store's command methods: each checks its arguments, then hands the call to `run`. */
export function bindCommands(run: (call: CommandCall) => Promise<unknown>): AsyncCommands {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of COMMAND_NAMES) {
    methods[name] = async (...args) => run(toCall(name, args));
  }
  return methods as unknown as AsyncCommands;
}

class QueuedBatch {
  readonly calls: CommandCall[] = [];
  readonly #execute: (calls: readonly CommandCall[]) => Promise<unknown[]>;

  constructor(execute: (calls: readonly CommandCall[]) => Promise<unknown[]>) {
    this.#execute = execute;
  }

  exec(): Promise<unknown[]> {
    return this.#execute(this.calls.splice(0));
  }
}

// One shared method per command on the prototype, so that creating a batch (once per fan-out write)
// allocates one small object rather than a closure per command.
for (const name of COMMAND_NAMES) {
  Object.defineProperty(QueuedBatch.prototype, name, {
    value(this: QueuedBatch, ...args: unknown[]) {
      this.calls.push(toCall(name, args));
      return this;
    },
  });
}

/** A batch builder that queues checked calls and hands them all to `execute` on `exec()`. */
export function createBatch(execute: (calls: readonly CommandCall[]) => Promise<unknown[]>): KeyValueBatch {
  return new QueuedBatch(execute) as unknown as KeyValueBatch;
}
