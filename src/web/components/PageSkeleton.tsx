import { Card, Skeleton } from 'antd';

/** What a page shows while its code or first data loads: the same frame, so nothing jumps when it arrives. */
export function PageSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div>
      <Skeleton.Input active size="large" style={{ width: 240, marginBottom: 16 }} />
      <Card>
        <Skeleton active paragraph={{ rows }} title={false} />
      </Card>
    </div>
  );
}
