// A site's operational settings, read from its free-form settings with defaults. Invalid values
// fall back to the default (and are reported by the admin API when they are set), so a bad
// setting never stops the chat.
import { SiteSettingsSchema } from '@baton/shared';
import type { z } from 'zod';
import type { BusinessHours } from '../core/routing.js';
import type { SiteRecord } from '../store/types.js';

export type SiteSettings = z.infer<typeof SiteSettingsSchema> & { businessHours: BusinessHours | null };

/** Each setting separately: one bad value does not discard the others. */
export function siteSettings(site: SiteRecord): SiteSettings {
  const raw = site.settings ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SiteSettingsSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(raw[key]);
    out[key] = parsed.success ? parsed.data : (schema as z.ZodType).parse(undefined);
  }
  return out as SiteSettings;
}
