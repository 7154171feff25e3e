// drizzle-kit settings for the PostgreSQL migrations (npm run db:generate:pg).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/pg.ts',
  out: './migrations/pg',
});
