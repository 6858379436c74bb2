import { hello } from '@npo/contracts';
export const twice = (n: number): number => hello(n) * 2;
