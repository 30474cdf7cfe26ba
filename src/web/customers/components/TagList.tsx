import { Tag } from 'antd';
import type { TagRef } from '../../api/types';

/** antd preset colour names pass through; anything else (a hex code) is used as a custom colour. */
export function CustomerTags({ tags, max = 3 }: { tags: TagRef[]; max?: number }) {
  const shown = tags.slice(0, max);
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      {shown.map((t) => (
        <Tag key={t.id} color={t.color || 'blue'} style={{ marginInlineEnd: 0 }}>
          {t.name}
        </Tag>
      ))}
      {tags.length > max && <Tag style={{ marginInlineEnd: 0 }}>+{tags.length - max}</Tag>}
    </span>
  );
}
