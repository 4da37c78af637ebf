import type { FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export interface FlashMessage {
  type: 'success' | 'error' | 'warning' | 'info';
  header?: string;
  content: ReactNode;
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
    },
    [dismiss],
  );

  const clear = useCallback(() => {
    setItems([]);
  }, []);

  const value = useMemo(() => ({ items, notify, clear }), [items, notify, clear]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
};

export const useFlash = (): FlashApi => {
  const flash = useContext(FlashContext);
  if (flash === null) throw new Error('useFlash must be used inside <FlashProvider>');
  return flash;
};
