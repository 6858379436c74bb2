export { sectors, scanDomains } from '@npo/contracts';
