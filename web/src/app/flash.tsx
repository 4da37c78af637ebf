import type { FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export interface FlashMessage {
  type: 'success' | 'error' | 'warning' | 'info';
  header?: string;
  content: ReactNode;
  /** Raised just before moving to another page: shown there (it survives the one page change). */
  forNextPage?: boolean;
}

interface FlashApi {
  items: FlashbarProps.MessageDefinition[];
  notify: (message: FlashMessage) => void;
  clear: () => void;
}

const FlashContext = createContext<FlashApi | null>(null);

let counter = 0;

/** Page-level messages (success and failure of actions), shown in the layout's Flashbar. */
export const FlashProvider = ({ children }: { children: ReactNode }) => {
  const [items, setItems] = useState<FlashbarProps.MessageDefinition[]>([]);
  /** Ids of messages that survive the next `clear` (the page change they were raised for). */
  const carried = useRef(new Set<string>());

  const dismiss = useCallback((id: string) => {
    setItems((current) => current.filter((item) => item.id !== id));
  }, []);

  const notify = useCallback(
    (message: FlashMessage) => {
      counter += 1;
      const id = `flash-${counter}`;
      const item: FlashbarProps.MessageDefinition = {
        id,
        type: message.type,
        content: message.content,
        ...(message.header === undefined ? {} : { header: message.header }),
        dismissible: true,
        dismissLabel: 'Dismiss message',
        onDismiss: () => {
          dismiss(id);
        },
      };
      // Newest first; a handful is enough.
      setItems((current) => [item, ...current].slice(0, 5));
      if (message.forNextPage === true) carried.current.add(id);
    },
    [dismiss],
  );

  const clear = useCallback(() => {
    const keep = carried.current;
    carried.current = new Set();
    setItems((current) => current.filter((item) => item.id !== undefined && keep.has(item.id)));
  }, []);

  const value = useMemo(() => ({ items, notify, clear }), [items, notify, clear]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
};

export const useFlash = (): FlashApi => {
  const flash = useContext(FlashContext);
  if (flash === null) throw new Error('useFlash must be used inside <FlashProvider>');
  return flash;
};
