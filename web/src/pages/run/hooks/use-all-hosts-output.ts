import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../../../api/errors';
import { MAX_OUTPUT_HOSTS, runsApi, type OutputPage, type RunHost } from '../../../api/runs';
import { useApi } from '../../../app/services';
import { HostDecoder, LineStore, type OutputLine } from '../output';

const IDLE_MS = 1000;

interface HostState {
  decoder: HostDecoder;
  cursor: string;
  complete: boolean;
  /** The latest chunk time seen, so a host's lines keep their order when a poll's lines are sorted. */
  at: string;
}

interface Timed {
  at: string;
  host: string;
  line: OutputLine;
}

const prefixed = (host: string, line: OutputLine): OutputLine => ({ text: `[${host}] ${line.text}`, stderr: line.stderr });

/**
 * Every host's output interleaved, each line prefixed with its host's name. Once a second (back to
 * back while a host has more), the hosts that have started and are not complete are read together
 * in groups of MAX_OUTPUT_HOSTS with their cursors; each host's bytes go through its own decoders,
 * and the lines a poll finishes are appended ordered by their chunk's time, then host name. It
 * stops once the run has finished and every host's output is complete.
 */
export const useAllHostsOutput = (projectId: string, runId: string, hosts: readonly RunHost[], finished: boolean) => {
  const api = useApi(runsApi);
  const store = useRef(new LineStore());
  const states = useRef(new Map<string, HostState>());
  const latest = useRef({ hosts, finished });
  useEffect(() => {
    latest.current = { hosts, finished };
  }, [hosts, finished]);
  const [version, setVersion] = useState(0);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stateOf = (targetId: string): HostState => {
      let state = states.current.get(targetId);
      if (state === undefined) {
        state = { decoder: new HostDecoder(), cursor: '0', complete: false, at: '' };
        states.current.set(targetId, state);
      }
      return state;
    };

    const poll = async () => {
      const { hosts: current, finished: done } = latest.current;
      const wanted = current.filter((h) => h.status !== 'pending' && states.current.get(h.targetId)?.complete !== true);
      if (wanted.length === 0) {
        if (done) {
          setComplete(true);
          return;
        }
        timer = setTimeout(() => void poll(), IDLE_MS);
        return;
      }
      setComplete(false);
      const names = new Map(current.map((h) => [h.targetId, h.targetName]));
      const groups: HostState[][] = [];
      const requests: Promise<OutputPage[]>[] = [];
      for (let i = 0; i < wanted.length; i += MAX_OUTPUT_HOSTS) {
        const group = wanted.slice(i, i + MAX_OUTPUT_HOSTS);
        groups.push(group.map((h) => stateOf(h.targetId)));
        requests.push(
          api
            .outputs(
              projectId,
              runId,
              group.map((h) => ({ targetId: h.targetId, cursor: stateOf(h.targetId).cursor })),
              controller.signal,
            )
            .then((answer) => answer.items),
        );
      }
      let pages: OutputPage[];
      try {
        pages = (await Promise.all(requests)).flat();
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(messageOf(e));
        timer = setTimeout(() => void poll(), IDLE_MS * 2);
        return;
      }
      if (controller.signal.aborted) return;
      setError(undefined);

      const fresh: Timed[] = [];
      let more = false;
      let changed = false;
      for (const page of pages) {
        const state = states.current.get(page.targetId);
        if (state === undefined || state.complete) continue;
        const host = names.get(page.targetId) ?? page.targetId;
        for (const chunk of page.items) {
          if (chunk.at > state.at) state.at = chunk.at;
          for (const line of state.decoder.push(chunk.stream, chunk.data)) fresh.push({ at: state.at, host, line });
        }
        if (page.nextCursor !== '') state.cursor = page.nextCursor;
        if (page.complete) {
          state.complete = true;
          changed = true;
          for (const line of state.decoder.end()) fresh.push({ at: state.at, host, line });
        } else if (page.items.length > 0) {
          more = true;
        }
        if (page.items.length > 0) changed = true;
      }
      // Array.prototype.sort is stable: a host's lines keep their order.
      fresh.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
      store.current.append(fresh.map((t) => prefixed(t.host, t.line)));
      if (changed) setVersion((v) => v + 1);
      timer = setTimeout(() => void poll(), more ? 0 : IDLE_MS);
    };
    void poll();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, projectId, runId]);

  const pendingLines = (): OutputLine[] => {
    const lines: OutputLine[] = [];
    for (const h of hosts) {
      const state = states.current.get(h.targetId);
      if (state !== undefined && !state.complete) lines.push(...state.decoder.pendingLines().map((l) => prefixed(h.targetName, l)));
    }
    return lines;
  };

  return { store: store.current, version, complete, error, pendingLines };
};
