// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import kotlin.jvm.internal.CallableReference
import kotlin.jvm.internal.ClassBasedDeclarationContainer

/**
 * A readable name: `Owner::close` for a callable reference, `lambda in Outer` for a lambda, else
 * `toString()`.
 */
internal fun describe(
  function: Any,
  prefix: String,
): String {
  if (function is CallableReference) {
    val owner = function.boundReceiver.takeIf { it !== CallableReference.NO_RECEIVER }
    val type = owner?.javaClass?.name ?: (function.owner as? ClassBasedDeclarationContainer)?.jClass?.name
    return prefix + (type ?: "") + "::" + function.name
  }
  val type = function.javaClass.name
  val lambda = type.indexOf("$$" + "Lambda")
  val outer = if (lambda > 0) type.substring(0, lambda) else type.substringBefore('$', "")
  return if (outer.isNotEmpty() && outer != type) "${prefix}lambda in $outer" else prefix + function
}
