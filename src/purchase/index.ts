// Public names of the purchase flow (issue 11): the intake of AYO's purchase requests, the `purchase` and
// `save-video` job kinds, and the renditions they deliver.
export { createPurchaseIntake, type PurchaseIntakeOptions } from './intake.js';
