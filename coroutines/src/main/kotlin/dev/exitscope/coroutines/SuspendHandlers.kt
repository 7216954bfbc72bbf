@file:JvmName("SuspendHandlers")

package dev.exitscope.coroutines
