// Everything Digit runs on, in one resource group: a Linux Function App on the Flex Consumption plan (and, when asked,
// a predict-only app beside it on its own plan, sharing Redis and the model container), their storage
// (host, Durable task hub, deployment package, model store) reached only with a managed identity, Azure Managed
// Redis for the training state, and Application Insights on a Log Analytics workspace.

@description('Region of every resource.')
param location string

@description('Tags of every resource.')
param tags object

@description('Suffix that makes the global names unique.')
param resourceToken string

@description('Origins of the frontend, comma-separated: FRONTEND_URL and the CORS list.')
param frontendUrl string

@description('Memory of each Function App instance, in MB.')
param instanceMemoryMB int

@description('Whether to deploy the predict-only app beside the full one.')
param deployPredictApp bool

@description('Memory of each predict-only instance, in MB.')
param predictInstanceMemoryMB int

@description('Most instances the Function App scales out to.')
param maximumInstanceCount int

@description('Always-ready instances of the Durable Functions group.')
param durableAlwaysReadyInstances int

@description('Azure Managed Redis SKU.')
param redisSku string

@description('Azure Managed Redis high availability.')
param redisHighAvailability string

@description('App settings that come from main.bicep\'s parameters, already as strings.')
param settings settingsFromParameters

// The app settings main.bicep takes from its parameters: a key missing here or there does not compile.
type settingsFromParameters = {
  REDIS_KEY_PREFIX: string
  MODEL_CONTAINER: string
  MODEL_POLL_MS: string
  MNIST_PATH: string
  TRAINING_RECIPE: string
  TRAINING_EPOCHS: string
  TRAINING_BATCH_SIZE: string
  TRAINING_AUGMENT: string
  TRAINING_SEED: string
  TRAINING_THREADS: string
  TRAINING_SAMPLES: string
  TRAINING_LEASE_SECONDS: string
  PUBLISH_MAX_ACCURACY_DROP: string
  FEEDBACK_MAX: string
  FEEDBACK_RATE_PER_MINUTE: string
  FEEDBACK_BURST: string
}

var functionAppName = 'func-digit-${resourceToken}'
var predictAppName = 'func-digit-predict-${resourceToken}'
// The Flex Consumption plan runs each app from a zip in its own container.
var deploymentContainer = 'app-package-${resourceToken}'
var predictDeploymentContainer = 'app-package-predict-${resourceToken}'
// FRONTEND_URL's origins as CORS wants them: trimmed, without a trailing slash, no empty entries.
var frontendOrigins = map(
  filter(map(split(frontendUrl, ','), origin => trim(origin)), origin => !empty(origin)),
  origin => endsWith(origin, '/') ? take(origin, length(origin) - 1) : origin
)

// Built-in role definitions (their ids are the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-digit-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-digit-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// A user-assigned identity exists before the app does, so its role assignments are in place when the app first starts.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-digit-${resourceToken}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stdigit${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    // No account keys: the host, Durable Functions, the deployment and the model store all use the identity.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobs
  name: deploymentContainer
}

resource predictPackageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = if (deployPredictApp) {
  parent: blobs
  name: predictDeploymentContainer
}

resource modelContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobs
  name: settings.MODEL_CONTAINER
}

// The host (leases, keys), the Durable task hub (queues, tables, lease and large-message blobs), the deployment
// package and the model store. Blob Data Owner rather than Contributor because the Functions host asks for it on
// its own storage.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roles): {
    name: guid(storage.id, identity.id, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: 'redis-digit-${resourceToken}'
  location: location
  tags: tags
  sku: { name: redisSku }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: redisHighAvailability
    // The Function App has no virtual network: it reaches Redis on its public endpoint, over TLS with a key.
    publicNetworkAccess: 'Enabled'
  }
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    // One endpoint that behaves like a single Redis server, as the app's tests run against.
    clusteringPolicy: 'EnterpriseCluster'
    // Run state must never be evicted to make room.
    evictionPolicy: 'NoEviction'
    // REDIS_URL carries an access key: the app connects with a password, not an Entra token.
    accessKeysAuthentication: 'Enabled'
  }
}

// What both apps are given: storage and identity, telemetry, Redis, the model store, CORS origins, the lease of a
// run (the sweeper ends abandoned runs on either app) and the corrections' limits.
var sharedAppSettings = [
  // Host storage and the Durable task hub (Azure Storage provider, which reads AzureWebJobsStorage) through the
  // identity: account name, "managedidentity" and the identity's client id instead of a connection string.
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  // The model store: a blob endpoint instead of a connection string makes the app use its Azure identity,
  // and AZURE_CLIENT_ID tells that identity apart from any other.
  { name: 'MODEL_STORAGE', value: storage.properties.primaryEndpoints.blob }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
  // GET / must reach the Health function, not the host's home page.
  { name: 'AzureWebJobsDisableHomepage', value: 'true' }
  // The key is read here and nowhere else: never an output, never a parameter.
  {
    name: 'REDIS_URL'
    value: 'rediss://:${uriComponent(redisDatabase.listKeys().primaryKey)}@${redis.properties.hostName}:${redisDatabase.properties.port}/0'
  }
  { name: 'FRONTEND_URL', value: frontendUrl }
  { name: 'REDIS_KEY_PREFIX', value: settings.REDIS_KEY_PREFIX }
  { name: 'MODEL_CONTAINER', value: settings.MODEL_CONTAINER }
  { name: 'MODEL_POLL_MS', value: settings.MODEL_POLL_MS }
  { name: 'TRAINING_LEASE_SECONDS', value: settings.TRAINING_LEASE_SECONDS }
  { name: 'FEEDBACK_MAX', value: settings.FEEDBACK_MAX }
  { name: 'FEEDBACK_RATE_PER_MINUTE', value: settings.FEEDBACK_RATE_PER_MINUTE }
  { name: 'FEEDBACK_BURST', value: settings.FEEDBACK_BURST }
]

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-digit-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: durableAlwaysReadyInstances > 0 ? [{ name: 'durable', instanceCount: durableAlwaysReadyInstances }] : []
      }
      // The worker runtime is declared here: the Flex Consumption plan does not take FUNCTIONS_WORKER_RUNTIME.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: frontendOrigins
        supportCredentials: false
      }
      appSettings: concat(sharedAppSettings, [
        { name: 'MNIST_PATH', value: settings.MNIST_PATH }
        { name: 'TRAINING_RECIPE', value: settings.TRAINING_RECIPE }
        { name: 'TRAINING_EPOCHS', value: settings.TRAINING_EPOCHS }
        { name: 'TRAINING_BATCH_SIZE', value: settings.TRAINING_BATCH_SIZE }
        { name: 'TRAINING_AUGMENT', value: settings.TRAINING_AUGMENT }
        { name: 'TRAINING_SEED', value: settings.TRAINING_SEED }
        { name: 'TRAINING_THREADS', value: settings.TRAINING_THREADS }
        { name: 'TRAINING_SAMPLES', value: settings.TRAINING_SAMPLES }
        { name: 'PUBLISH_MAX_ACCURACY_DROP', value: settings.PUBLISH_MAX_ACCURACY_DROP }
      ])
    }
  }
  // The app starts as soon as it exists: its identity must already hold its storage roles.
  dependsOn: [storageRoles, packageContainer, modelContainer]
}

// The predict-only app: the same identity, storage, Redis and model container, its own plan and instance size. It
// reads run state from Redis and serves each model the full app publishes; retrain and stop requests get a 503
// naming the full app (TRAINING_APP_URL).
resource predictPlan 'Microsoft.Web/serverfarms@2024-11-01' = if (deployPredictApp) {
  name: 'plan-digit-predict-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource predictApp 'Microsoft.Web/sites@2024-11-01' = if (deployPredictApp) {
  name: predictAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'predict' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: predictPlan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${predictDeploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: predictInstanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: frontendOrigins
        supportCredentials: false
      }
      appSettings: concat(sharedAppSettings, [
        { name: 'TRAINING_APP_URL', value: 'https://${functionApp.properties.defaultHostName}' }
      ])
    }
  }
  dependsOn: [storageRoles, predictPackageContainer, modelContainer]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output predictFunctionAppName string = deployPredictApp ? predictAppName : ''
output predictFunctionAppUrl string = deployPredictApp ? 'https://${predictApp!.properties.defaultHostName}' : ''
output storageAccountName string = storage.name
output redisHostName string = redis.properties.hostName
