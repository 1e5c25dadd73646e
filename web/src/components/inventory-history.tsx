import type { InventoryDiff } from "../../../src/model/inventory/diff.js";
import type { InventoryVersion } from "../api/types.js";
import { enc } from "../api/client.js";
import { useApi } from "../hooks/use-api.js";
import { ErrorNote } from "./error-note.js";
import { TimeAgo } from "./time-ago.js";

/**
 * Captured versions, newest first. Choosing one shows what changed since the version before it
 * and draws that version's graph (the parent holds the choice).
 */
export function InventoryHistory(props: {
  env: string;
  versions: InventoryVersion[];
  selected: number | undefined;
  onSelect: (version: number) => void;
}) {
  const { env, versions, selected, onSelect } = props;
  return (
    <>
      <table data-testid="versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Captured</th>
            <th>Last seen unchanged</th>
            <th className="num">Resources</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr
              key={String(v.version)}
              className={Number(v.version) === selected ? "selected" : ""}
              onClick={() => onSelect(Number(v.version))}
              style={{ cursor: "pointer" }}
            >
              <td>
                <button type="button" className="link">
                  v{v.version}
                </button>
              </td>
              <td>
                <TimeAgo at={v.capturedAt} />
              </td>
              <td>
                <TimeAgo at={v.lastSeenAt} />
              </td>
              <td className="num">{resourceCount(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== undefined && selected > 1 ? (
        <VersionDiff env={env} from={selected - 1} to={selected} />
      ) : (
        <p className="muted">The first version: everything in it was new.</p>
      )}
    </>
  );
}

function resourceCount(v: InventoryVersion): number {
  const counts = v.counts as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + (typeof n === "number" ? n : 0), 0);
}

/** The API may answer with the diff itself or wrap it as `{ diff }`. */
type DiffBody = Partial<InventoryDiff> & { diff?: Partial<InventoryDiff>; identical?: boolean };

function VersionDiff({ env, from, to }: { env: string; from: number; to: number }) {
  const { data, error } = useApi<DiffBody>(
    `/api/v1/environments/${enc(env)}/diff?from=${from}&to=${to}`,
  );
  const diff = data?.diff ?? data;
  return (
    <div data-testid="version-diff">
      <h3>
        v{from} → v{to}
      </h3>
      <ErrorNote error={error} />
      {diff ? <DiffList diff={diff} /> : null}
    </div>
  );
}

function DiffList({ diff }: { diff: Partial<InventoryDiff> }) {
  const added = diff.added ?? [];
  const removed = diff.removed ?? [];
  const changed = diff.changed ?? [];
  if (added.length + removed.length + changed.length === 0) {
    return <p className="muted">No resource changed.</p>;
  }
  return (
    <ul className="diff-list">
      {added.map((r) => (
        <li key={`+${r.id}`} className="diff-add">
          + added {r.kind} <strong>{r.name}</strong>
        </li>
      ))}
      {removed.map((r) => (
        <li key={`-${r.id}`} className="diff-del">
          − removed {r.kind} <strong>{r.name}</strong>
        </li>
      ))}
      {changed.map((r) => (
        <li key={`~${r.id}`} className="diff-chg">
          ~ changed {r.kind} <strong>{r.name}</strong>
          <ul className="muted">
            {r.changes.map((c, i) => (
              <li key={i} className="mono">
                {c.path}: {show(c.old)} → {show(c.new)}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

const show = (value: unknown) => (value === undefined ? "∅" : JSON.stringify(value));
