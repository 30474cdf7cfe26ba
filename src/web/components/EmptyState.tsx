import { Empty } from 'antd';
import type { ReactNode } from 'react';

/** An empty list says what to do next, with the action right there. */
export function EmptyState({ title, hint, action }: { title: ReactNode; hint?: ReactNode; action?: ReactNode }) {
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <div>
          <div style={{ color: '#1f2329', fontWeight: 500 }}>{title}</div>
          {hint && <div className="bk-muted" style={{ marginTop: 4 }}>{hint}</div>}
        </div>
      }
      style={{ padding: '24px 0' }}
    >
      {action}
    </Empty>
  );
}
