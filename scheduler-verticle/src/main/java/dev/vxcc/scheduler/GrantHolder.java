package dev.vxcc.scheduler;

/**
 * Who may renew or free a grant: the user token that asked for it plus the requestor id the delegate drew
 * for itself. The token alone is not enough because a whole team may share one user token; the id alone
 * is not enough because it is only claimed. Delegates that send no id share the token's "" holder.
 */
record GrantHolder(String token, String requestorId) {}
