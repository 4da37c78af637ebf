import { useEffect, useState } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import { schedulesApi } from '../../../api/schedules';
import { useApi } from '../../../app/services';

export interface FirePreview {
  /** The next fire times (ISO, UTC) of the expression as typed; empty while there is none. */
  next: string[];
  loading: boolean;
  /** Why the expression or zone cannot be evaluated, by field. */
  expressionError: string | undefined;
  timezoneError: string | undefined;
  /** Any other failure. */
  error: string | undefined;
}

const DEBOUNCE_MS = 400;

/** The next `count` fire times of an expression in a zone, asked of POST /v1/schedules/preview once typing pauses. */
export const useFirePreview = (expression: string, timezone: string, count = 5): FirePreview => {
  const api = useApi(schedulesApi);
  const [state, setState] = useState<FirePreview>({ next: [], loading: false, expressionError: undefined, timezoneError: undefined, error: undefined });

  useEffect(() => {
    const expr = expression.trim();
    const zone = timezone.trim() === '' ? 'UTC' : timezone.trim();
    if (expr === '') {
      setState({ next: [], loading: false, expressionError: undefined, timezoneError: undefined, error: undefined });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .preview(expr, zone, count, controller.signal)
        .then((result) => {
          setState({ next: result.next, loading: false, expressionError: undefined, timezoneError: undefined, error: undefined });
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          if (e instanceof ApiError && e.code === 'VALIDATION_FAILED') {
            const byField = fieldErrors(e.issues, ['expression', 'timezone'] as const);
            const other = byField[''];
            setState({
              next: [],
              loading: false,
              expressionError: byField.expression ?? (byField.timezone === undefined ? (other ?? e.message) : undefined),
              timezoneError: byField.timezone,
              error: undefined,
            });
          } else {
            setState({ next: [], loading: false, expressionError: undefined, timezoneError: undefined, error: messageOf(e) });
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, expression, timezone, count]);

  return state;
};
