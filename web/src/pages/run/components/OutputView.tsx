import Box from '@cloudscape-design/components/box';
import { useLayoutEffect, useRef, useState } from 'react';
import type { OutputLine } from '../output';

const LINE_HEIGHT = 18;
const VIEW_HEIGHT = 432;
const OVERSCAN = 30;

/**
 * Lines in a fixed-height scrolling box, only the visible ones (and a margin) in the DOM, so a
 * host's 100,000 lines scroll as smoothly as ten. It follows the end while the reader is there,
 * and stays put when they scroll up to read.
 */
export const OutputView = ({ lines, pending, version, label }: { lines: OutputLine[]; pending: OutputLine[]; version: number; label: string }) => {
  const ref = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [scrollTop, setScrollTop] = useState(0);
  const count = lines.length + pending.length;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null || !follow.current) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [version, count]);

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + VIEW_HEIGHT) / LINE_HEIGHT) + OVERSCAN);
  const visible: { line: OutputLine; index: number }[] = [];
  for (let i = first; i < last; i += 1) {
    const line = i < lines.length ? lines[i] : pending[i - lines.length];
    if (line !== undefined) visible.push({ line, index: i });
  }

  return (
    <div
      ref={ref}
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid="run-output"
      onScroll={(event) => {
        const el = event.currentTarget;
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_HEIGHT;
        setScrollTop(el.scrollTop);
      }}
      style={{
        height: VIEW_HEIGHT,
        overflow: 'auto',
        background: '#f4f4f4',
        border: '1px solid #8c8c94',
        borderRadius: 8,
        fontFamily: 'Monaco, Menlo, Consolas, "Courier New", monospace',
        fontSize: 13,
      }}
    >
      {count === 0 ? (
        <Box padding="s" color="text-body-secondary">
          No output yet.
        </Box>
      ) : (
        <div style={{ height: count * LINE_HEIGHT, position: 'relative', minWidth: 'max-content' }}>
          <div style={{ position: 'absolute', top: first * LINE_HEIGHT, left: 0, right: 0 }}>
            {visible.map(({ line, index }) => (
              <div
                key={index}
                style={{ height: LINE_HEIGHT, lineHeight: `${LINE_HEIGHT}px`, whiteSpace: 'pre', padding: '0 8px', color: line.stderr ? '#b3261e' : '#16191f' }}
              >
                {line.text}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
};
