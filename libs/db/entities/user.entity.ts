/** A person with an account on the platform. */
import { defineEntity, p } from '@mikro-orm/core';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    email: p.string().length(254).unique(),
    passwordHash: p.text().hidden(),
    role: p.string().length(16).$type<UserRole>(),
    createdAt: p.datetime(),
  },
});
