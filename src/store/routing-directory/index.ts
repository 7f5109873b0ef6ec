/**
 * The routing directory (numbers → members, lines, phones; short codes, pilots, the access
 * number, compiled ringback policies): the in-memory snapshot routing reads, kept current by
 * one writer from committed changes. Services read `RoutingDirectory` and change it only
 * through `DirectoryWriter`; engines import the model's types only (see ./model.ts).
 */

export type {
  GroupEntry,
  MemberEntry,
  MemberStatus,
  RoutingDirectory,
  ShortCodeHolder,
  SubgroupEntry,
  SubgroupRecipient,
  SwitchboardEntry,
  VpnSettings,
  WritableGroupEntry,
  WritableMemberEntry,
  WritableRoutingDirectory,
  WritableShortCodeHolder,
  WritableSubgroupEntry,
  WritableSwitchboardEntry,
} from './model.js';
export { emptyDirectory, subgroupFanOut } from './model.js';
export { dialledValue, NumberIndex } from './number-index.js';
export {
  createDirectoryWriter,
  type DirectorySnapshot,
  type DirectoryWriter,
  type GroupFacts,
  type MemberFacts,
  type SubgroupFacts,
  type SwitchboardFacts,
} from './writer.js';
