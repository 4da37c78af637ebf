import { useEffect, useState } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import { eventsApi, type PatternTestResult } from '../../../api/triggers';
import { useApi } from '../../../app/services';

export interface PatternTest {
  /** The answer for the pattern and sample as typed; undefined while there is none. */
  result: PatternTestResult | undefined;
  loading: boolean;
  /** Why the pattern is refused (EventBridge's own rules, checked by the API as you type). */
  patternError: string | undefined;
  eventError: string | undefined;
  mappingError: string | undefined;
  error: string | undefined;
}

const DEBOUNCE_MS = 350;
const idle: PatternTest = { result: undefined, loading: false, patternError: undefined, eventError: undefined, mappingError: undefined, error: undefined };

/**
 * POST /v1/events/test-pattern once typing pauses: validates the pattern with the same validator
 * that saving uses, and answers whether the sample event matches and which parameters the mapping
 * takes from it. An empty pattern is not tested (a webhook trigger may leave it to the default).
 */
export const usePatternTest = (pattern: string, event: string, inputMapping: Record<string, string>): PatternTest => {
  const api = useApi(eventsApi);
  const [state, setState] = useState<PatternTest>(idle);
  const mappingKey = JSON.stringify(inputMapping);

  useEffect(() => {
    if (pattern.trim() === '') {
      setState(idle);
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    const controller = new AbortController();
    const mapping = JSON.parse(mappingKey) as Record<string, string>;
    const timer = setTimeout(() => {
      api
        .testPattern({ pattern, event: event.trim() === '' ? '{}' : event, ...(Object.keys(mapping).length > 0 ? { inputMapping: mapping } : {}) }, controller.signal)
        .then((result) => {
          setState({ ...idle, result });
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          if (e instanceof ApiError && e.code === 'VALIDATION_FAILED') {
            const byField = fieldErrors(e.issues, ['pattern', 'event', 'inputMapping'] as const);
            setState({
              ...idle,
              patternError: byField.pattern ?? (byField.event === undefined && byField.inputMapping === undefined ? (byField[''] ?? e.message) : undefined),
              eventError: byField.event,
              mappingError: byField.inputMapping,
            });
          } else {
            setState({ ...idle, error: messageOf(e) });
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, pattern, event, mappingKey]);

  return state;
};
