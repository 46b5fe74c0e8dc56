// The whole Azure deployment of Digit: a resource group and everything in it (resources.bicep).
// `azd up` provisions it and deploys DigitFunctions into it; `az deployment sub create` does the same without azd.
// Parameters marked with metadata { appSetting: NAME } are app settings the app reads: they reach the Function App
// through `settings` below, and their defaults are the code's defaults (tests/Digit.Infra.Tests checks both against
// the app's settings catalog).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the environment (azd environment name); names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. It must offer the Flex Consumption plan and Azure Managed Redis.')
param location string

@description('Resource group to create or reuse; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Origins of the frontend, comma-separated (scheme, host and port). They become both FRONTEND_URL and the Function App\'s CORS list.')
@metadata({ appSetting: 'FRONTEND_URL' })
param frontendUrl string = 'http://localhost:3000'

// 2,048 MB: training peaks at about 1 GB beside the host, ONNX Runtime and libtorch (the app is about 550 MB on
// disk); 512 MB cannot train. 4,096 MB doubles the vCPUs libtorch trains on, and the price per second.
@allowed([2048, 4096])
@description('Memory of each Function App instance, in MB; CPU is proportional to it.')
param instanceMemoryMB int = 2048

@allowed(['one', 'two'])
@description('one: a single Function App that predicts and trains. two: also a predict-only app (DigitFunctions published with -p:DigitApp=Predict: no TorchSharp, libtorch or MNIST) on its own small instances, sharing Redis and the model container; the full app then serves training and the frontend can call the predict-only app for everything else.')
param apps string = 'one'

// 512 MB: the predict-only app holds ONNX Runtime and one small model beside the host (the worker's RSS after a
// cold start is under 200 MB), so the smallest Flex Consumption instance serves it.
@allowed([512, 2048, 4096])
@description('Memory of each predict-only instance, in MB (apps = two).')
param predictInstanceMemoryMB int = 512

@minValue(40)
@maxValue(1000)
@description('Most instances the Function App scales out to (40 is the lowest value the Flex Consumption plan accepts).')
param maximumInstanceCount int = 40

@minValue(0)
@maxValue(10)
@description('Always-ready instances for the Durable Functions group (retraining): 1 removes its cold start but is billed around the clock.')
param durableAlwaysReadyInstances int = 0

@allowed(['Balanced_B0', 'Balanced_B1', 'Balanced_B3', 'Balanced_B5'])
@description('Azure Managed Redis SKU. The run state is a few keys, so the smallest is plenty.')
param redisSku string = 'Balanced_B0'

@allowed(['Disabled', 'Enabled'])
@description('Redis replication (high availability). Disabled halves the Redis cost; a lost node loses only the training state, and a run whose state is lost ends as interrupted.')
param redisHighAvailability string = 'Disabled'

@description('Prefix of every Redis key.')
@metadata({ appSetting: 'REDIS_KEY_PREFIX' })
param redisKeyPrefix string = 'digit:'

@minLength(3)
@maxLength(63)
@description('Blob container of the model store (versions, current.json, checkpoints).')
@metadata({ appSetting: 'MODEL_CONTAINER' })
param modelContainer string = 'digit-models'

@minValue(50)
@maxValue(60000)
@description('How often each instance looks for a newly published model, in milliseconds.')
@metadata({ appSetting: 'MODEL_POLL_MS' })
param modelPollMs int = 250

@description('Folder of the four MNIST IDX files; relative paths are resolved against the app\'s folder (the deployed package ships data/mnist).')
@metadata({ appSetting: 'MNIST_PATH' })
param mnistPath string = 'data/mnist'

@allowed(['canvas', 'fast', 'classic'])
@description('Training recipe: canvas (fast\'s network and schedule with augmented images, so its model reads people\'s drawings; 2 epochs), fast (small batch-normalised network, one-cycle learning rate, 2 epochs, no augmentation) or classic (the old service\'s network and schedule, 3 epochs).')
@metadata({ appSetting: 'TRAINING_RECIPE' })
param trainingRecipe string = 'canvas'

// Strings, so that empty can mean "the recipe's"; the app checks the range (1-100) at start.
@description('Epochs of a retrain run. Empty: the recipe\'s (canvas 2, fast 2, classic 3).')
@metadata({ appSetting: 'TRAINING_EPOCHS' })
param trainingEpochs string = ''

@description('Samples per optimizer step (1-60000). Empty: the recipe\'s (canvas 256, fast 256, classic 128).')
@metadata({ appSetting: 'TRAINING_BATCH_SIZE' })
param trainingBatchSize string = ''

@allowed(['', 'true', 'false'])
@description('Distort training images as people draw (slant, size, position, pen width). Empty: the recipe\'s (canvas on, fast and classic off).')
@metadata({ appSetting: 'TRAINING_AUGMENT' })
param trainingAugment string = ''

@minValue(0)
@description('Seed of the weights, shuffle and dropout.')
@metadata({ appSetting: 'TRAINING_SEED' })
param trainingSeed int = 42

@minValue(0)
@maxValue(1024)
@description('libtorch threads while training; 0 = every core of the instance.')
@metadata({ appSetting: 'TRAINING_THREADS' })
param trainingThreads int = 0

@minValue(0)
@maxValue(60000)
@description('Train on the first N images only; 0 = all 60,000.')
@metadata({ appSetting: 'TRAINING_SAMPLES' })
param trainingSamples int = 0

// At least 24 on Functions: no heartbeat is sent between two activities, and that gap can reach 12 s.
@minValue(24)
@maxValue(3600)
@description('A run whose worker sends no heartbeat for this many seconds is ended as interrupted.')
@metadata({ appSetting: 'TRAINING_LEASE_SECONDS' })
param trainingLeaseSeconds int = 30

@description('Publish rule: serve a finished run\'s model only if its accuracy on MNIST, on the synthetic canvas drawings and on the held-out corrections is at most this fraction below the served model\'s. Empty: 0.005; 1: always serve it.')
@metadata({ appSetting: 'PUBLISH_MAX_ACCURACY_DROP' })
param publishMaxAccuracyDrop string = ''

@minValue(1)
@maxValue(10000000)
@description('Corrections kept at most; at the cap a new one is refused (409) until an admin deletes some.')
@metadata({ appSetting: 'FEEDBACK_MAX' })
param feedbackMax int = 50000

@minValue(1)
@maxValue(1000000)
@description('Corrections a client may send a minute (each instance keeps its own buckets).')
@metadata({ appSetting: 'FEEDBACK_RATE_PER_MINUTE' })
param feedbackRatePerMinute int = 60

@minValue(1)
@maxValue(1000000)
@description('Corrections a client may send at once before the per-minute rate applies.')
@metadata({ appSetting: 'FEEDBACK_BURST' })
param feedbackBurst int = 20

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'digit-resources'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    frontendUrl: frontendUrl
    instanceMemoryMB: instanceMemoryMB
    deployPredictApp: apps == 'two'
    predictInstanceMemoryMB: predictInstanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    redisSku: redisSku
    redisHighAvailability: redisHighAvailability
    settings: {
      REDIS_KEY_PREFIX: redisKeyPrefix
      MODEL_CONTAINER: modelContainer
      MODEL_POLL_MS: string(modelPollMs)
      MNIST_PATH: mnistPath
      TRAINING_RECIPE: trainingRecipe
      TRAINING_EPOCHS: trainingEpochs
      TRAINING_BATCH_SIZE: trainingBatchSize
      TRAINING_AUGMENT: trainingAugment
      TRAINING_SEED: string(trainingSeed)
      TRAINING_THREADS: string(trainingThreads)
      TRAINING_SAMPLES: string(trainingSamples)
      TRAINING_LEASE_SECONDS: string(trainingLeaseSeconds)
      PUBLISH_MAX_ACCURACY_DROP: publishMaxAccuracyDrop
      FEEDBACK_MAX: string(feedbackMax)
      FEEDBACK_RATE_PER_MINUTE: string(feedbackRatePerMinute)
      FEEDBACK_BURST: string(feedbackBurst)
    }
  }
}

// azd reads these into its environment; none of them is a secret.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output AZURE_FUNCTION_APP_URL string = resources.outputs.functionAppUrl
// Empty when apps = one.
output AZURE_PREDICT_FUNCTION_APP_NAME string = resources.outputs.predictFunctionAppName
output AZURE_PREDICT_FUNCTION_APP_URL string = resources.outputs.predictFunctionAppUrl
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output AZURE_REDIS_HOST string = resources.outputs.redisHostName
